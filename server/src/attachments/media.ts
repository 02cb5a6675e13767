// What an uploaded file is, from its first bytes: only JPEG, PNG and PDF are
// kept. The name must agree with the content, so a renamed file neither hides
// what it is nor opens in the wrong program.
import { AppError } from '../errors/app-error.ts'

export interface MediaType {
  type: 'image/jpeg' | 'image/png' | 'application/pdf'
  name: string
  extensions: readonly string[]
  /** the signature at offset 0 */
  magic: readonly number[]
}

// Signatures: JPEG SOI marker FF D8 followed by a marker FF (ISO/IEC 10918-1),
// the 8-byte PNG signature (ISO/IEC 15948), and "%PDF-" (ISO 32000-1, 7.5.2).
export const MEDIA_TYPES: readonly MediaType[] = [
  { type: 'image/jpeg', name: 'JPEG', extensions: ['.jpg', '.jpeg'], magic: [0xff, 0xd8, 0xff] },
  { type: 'image/png', name: 'PNG', extensions: ['.png'], magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: 'application/pdf', name: 'PDF', extensions: ['.pdf'], magic: [0x25, 0x50, 0x44, 0x46, 0x2d] },
]

/** The first bytes as hex, for a message naming what the file starts with. */
function start(bytes: Uint8Array): string {
  return [...bytes.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ') || '(empty)'
}

/** The media type of an upload, or the error saying why it is refused. */
export function detectMediaType(fileName: string, bytes: Uint8Array): MediaType {
  const found = MEDIA_TYPES.find((m) => m.magic.every((byte, i) => bytes[i] === byte))
  if (!found) throw new AppError('unsupported_attachment_type', { file: fileName, start: start(bytes) })
  const name = fileName.toLowerCase()
  if (!found.extensions.some((ext) => name.endsWith(ext))) {
    throw new AppError('attachment_name_mismatch', { file: fileName, detected: found.name, extensions: found.extensions.join(' / ') })
  }
  return found
}

/**
 * The name as stored and offered on download: the last path part only (some
 * browsers send a whole path), control characters out, at most 200 characters
 * with the extension kept.
 */
export function cleanFileName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop()!.replace(/[\u0000-\u001f\u007f"]/g, '').trim() || 'file'
  if (base.length <= 200) return base
  const dot = base.lastIndexOf('.')
  const ext = dot > 0 && base.length - dot <= 10 ? base.slice(dot) : ''
  return base.slice(0, 200 - ext.length) + ext
}
