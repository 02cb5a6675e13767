// Text encodings of Shapefile attributes: the code page a .cpg names, the
// one the DBF language-driver byte stands for, and a guess from the bytes
// when neither is there or the .cpg is wrong.
//
// Names returned are iconv-lite encoding names ('gbk', 'utf-8',
// 'windows-1252', 'cp866' …).
import iconv from 'iconv-lite'

/**
 * DBF header byte 29, the language driver id, to its Windows/DOS code page.
 * From the dBase/Visual FoxPro code-page table (the one GDAL and ArcGIS
 * read); ArcGIS on a Chinese Windows writes 0x4D.
 */
// prettier-ignore
export const LDID_CODE_PAGES: Readonly<Record<number, number>> = {
  0x01: 437, 0x02: 850, 0x03: 1252, 0x04: 10000, 0x08: 865, 0x09: 437, 0x0a: 850,
  0x0b: 437, 0x0d: 437, 0x0e: 850, 0x0f: 437, 0x10: 850, 0x11: 437, 0x12: 850,
  0x13: 932, 0x14: 850, 0x15: 437, 0x16: 850, 0x17: 865, 0x18: 437, 0x19: 437,
  0x1a: 850, 0x1b: 437, 0x1c: 863, 0x1d: 850, 0x1f: 852, 0x22: 852, 0x23: 852,
  0x24: 860, 0x25: 850, 0x26: 866, 0x37: 850, 0x40: 852, 0x4d: 936, 0x4e: 949,
  0x4f: 950, 0x50: 874, 0x57: 1252, 0x58: 1252, 0x59: 1252, 0x64: 852, 0x65: 866,
  0x66: 865, 0x67: 861, 0x6a: 737, 0x6b: 857, 0x78: 950, 0x79: 949, 0x7a: 936,
  0x7b: 932, 0x7c: 874, 0x86: 737, 0x87: 852, 0x88: 857, 0xc8: 1250, 0xc9: 1251,
  0xca: 1254, 0xcb: 1253, 0xcc: 1257,
}

/** Code pages whose LDID says "single-byte Western": bytes may still be GBK or UTF-8. */
const WESTERN_CODE_PAGES = new Set([437, 850, 1252])

// prettier-ignore
const CODE_PAGE_NAMES: Readonly<Record<number, string>> = {
  936: 'gbk', 54936: 'gb18030', 950: 'cp950', 949: 'cp949', 932: 'cp932',
  65001: 'utf-8', 10000: 'macintosh', 20866: 'koi8-r', 874: 'windows-874',
  28591: 'iso-8859-1', 28592: 'iso-8859-2', 28595: 'iso-8859-5', 28605: 'iso-8859-15',
}

/** iconv-lite name of a Windows/DOS code page number, or null. */
export function codePageEncoding(codePage: number): string | null {
  const name =
    CODE_PAGE_NAMES[codePage] ??
    (codePage >= 1250 && codePage <= 1258 ? `windows-${codePage}` : `cp${codePage}`)
  return iconv.encodingExists(name) ? name : null
}

export function ldidEncoding(ldid: number): string | null {
  const codePage = LDID_CODE_PAGES[ldid]
  return codePage === undefined ? null : codePageEncoding(codePage)
}

export function isWesternLdid(ldid: number): boolean {
  const codePage = LDID_CODE_PAGES[ldid]
  return codePage !== undefined && WESTERN_CODE_PAGES.has(codePage)
}

export type CodePageReading = { ok: true; encoding: string } | { ok: false; reason: string }

/**
 * The encoding a .cpg (or .cst, or a user's choice) names. Accepts what
 * ArcGIS, QGIS, GDAL and GeoServer write: "GBK", "936", "CP936",
 * "ANSI 936", "Windows-1251", "ANSI 1250", "UTF-8", "UTF8", "65001",
 * "88591", "ISO-8859-1" …
 */
export function readCodePage(text: string): CodePageReading {
  const trimmed = text.replace(/^\uFEFF/, '').trim()
  if (trimmed.length === 0) return { ok: false, reason: 'it is empty' }
  if (trimmed.length > 40 || /[<>{}\n]/.test(trimmed)) {
    return {
      ok: false,
      reason: `it holds no code page name (starts ${JSON.stringify(trimmed.slice(0, 20))})`,
    }
  }
  const encoding = codePageName(trimmed.toUpperCase())
  return encoding
    ? { ok: true, encoding }
    : { ok: false, reason: `unknown code page ${JSON.stringify(trimmed)}` }
}

function codePageName(upper: string): string | null {
  if (/^(UTF-?8|65001)$/.test(upper)) return 'utf-8'
  if (/^(GBK|GB2312|GB_2312-80|EUC-CN|CP936|ANSI 936|936|MS936|WINDOWS-936)$/.test(upper)) {
    return 'gbk'
  }
  if (/^(GB18030|54936)$/.test(upper)) return 'gb18030'
  if (/^(BIG5|BIG-5)$/.test(upper)) return 'cp950'
  const iso = /^(?:ISO[-_ ]?)?8859[-_ ]?(\d{1,2})$/.exec(upper)
  if (iso) return iconvName(`iso-8859-${iso[1]}`)
  if (upper === 'LATIN1') return 'iso-8859-1'
  const numbered = /^(?:ANSI[ _]?|CP[-_ ]?|WINDOWS[-_ ]?|OEM[ _]?|IBM[-_ ]?)?(\d{3,5})$/.exec(upper)
  if (numbered) return codePageEncoding(Number(numbered[1]))
  return iconvName(upper.toLowerCase())
}

function iconvName(name: string): string | null {
  return iconv.encodingExists(name) ? name : null
}

export type TextGuess = 'ascii' | 'utf-8' | 'gbk' | 'single-byte'

/**
 * What the bytes of the text cells look like, decided over all of them:
 *
 * - no byte ≥ 0x80: ascii;
 * - every cell is well-formed UTF-8: utf-8 (stray bytes of Latin-1 or GBK
 *   almost never form valid UTF-8 sequences throughout);
 * - every high byte is the lead of a GBK pair that decodes, and most pairs
 *   have a high trail byte: gbk. Chinese text is runs of two high bytes;
 *   Latin-1/cp1252 text has isolated accented letters followed by ASCII
 *   ("México" is 4D E9 78 …, and E9 78 is a valid GBK pair, so validity
 *   alone would read it as "M閤ico");
 * - else single-byte (Latin-1/cp1252 or another single-byte code page).
 *
 * A cell cut mid-character at its field width (writers that cut bytes) may
 * end in an incomplete sequence; that is tolerated at the end of a cell.
 */
export function guessText(cells: readonly Uint8Array[]): TextGuess {
  const high = cells.filter(hasHighByte)
  if (high.length === 0) return 'ascii'
  if (high.every(isUtf8)) return 'utf-8'
  if (looksLikeGbk(high)) return 'gbk'
  return 'single-byte'
}

function hasHighByte(cell: Uint8Array): boolean {
  for (const b of cell) if (b >= 0x80) return true
  return false
}

/** Well-formed UTF-8 (RFC 3629), allowing one incomplete sequence at the end. */
export function isUtf8(bytes: Uint8Array): boolean {
  return utf8ErrorAt(bytes, true) < 0
}

/**
 * The offset of the first byte that breaks UTF-8, or −1. With `cutEnd`, an
 * incomplete sequence at the very end (a cell cut at its width) is allowed.
 */
export function utf8ErrorAt(bytes: Uint8Array, cutEnd = false): number {
  let i = 0
  while (i < bytes.length) {
    const b = bytes[i] as number
    const need =
      b < 0x80
        ? 0
        : b >= 0xc2 && b <= 0xdf
          ? 1
          : b >= 0xe0 && b <= 0xef
            ? 2
            : b >= 0xf0 && b <= 0xf4
              ? 3
              : -1
    if (need < 0) return i
    for (let k = 1; k <= need; k++) {
      if (i + k >= bytes.length) return cutEnd ? -1 : i
      const c = bytes[i + k] as number
      if (c < 0x80 || c > 0xbf) return i
      // no overlong forms, no surrogates, nothing above U+10FFFF
      if (k === 1 && ((b === 0xe0 && c < 0xa0) || (b === 0xed && c > 0x9f))) return i
      if (k === 1 && ((b === 0xf0 && c < 0x90) || (b === 0xf4 && c > 0x8f))) return i
    }
    i += need + 1
  }
  return -1
}

// Share of GBK pairs that may have an ASCII trail byte (0x40–0x7E) and still
// be read as Chinese: such pairs are GBK/3–4 extension characters, rare in
// place names; Latin-1 text yields them at every accented letter.
const MAX_ASCII_TRAIL_SHARE = 0.2

function looksLikeGbk(cells: readonly Uint8Array[]): boolean {
  let pairs = 0
  let asciiTrails = 0
  for (const cell of cells) {
    const scan = scanGbk(cell)
    if (!scan) return false
    pairs += scan.pairs
    asciiTrails += scan.asciiTrails
  }
  return pairs > 0 && asciiTrails / pairs <= MAX_ASCII_TRAIL_SHARE
}

function scanGbk(cell: Uint8Array): { pairs: number; asciiTrails: number } | null {
  let pairs = 0
  let asciiTrails = 0
  let i = 0
  while (i < cell.length) {
    const lead = cell[i] as number
    if (lead < 0x80) {
      i++
      continue
    }
    if (i + 1 >= cell.length) break // cut at the field width
    const trail = cell[i + 1] as number
    if (!isGbkPair(lead, trail)) return null
    pairs++
    if (trail < 0x80) asciiTrails++
    i += 2
  }
  return { pairs, asciiTrails }
}

let gbkPairs: Uint8Array | null = null

/** Whether lead·trail is a GBK code that maps to a character (CP936 two-byte range). */
function isGbkPair(lead: number, trail: number): boolean {
  if (lead < 0x81 || lead > 0xfe || trail < 0x40 || trail > 0xfe || trail === 0x7f) return false
  gbkPairs ??= gbkPairTable()
  return gbkPairs[(lead << 8) | trail] === 1
}

/** 1 for every two-byte GBK code iconv-lite decodes to a character; built once. */
function gbkPairTable(): Uint8Array {
  const codes: number[] = []
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail !== 0x7f) codes.push((lead << 8) | trail)
    }
  }
  const bytes = Buffer.alloc(codes.length * 2)
  codes.forEach((code, i) => bytes.writeUInt16BE(code, i * 2))
  const text = iconv.decode(bytes, 'gbk')
  const table = new Uint8Array(65536)
  if (text.length !== codes.length) {
    throw new Error('iconv-lite GBK table is not one character per pair')
  }
  codes.forEach((code, i) => (table[code] = text[i] === '\uFFFD' ? 0 : 1))
  return table
}

/** The encoding a guess stands for. */
export function guessedEncoding(guess: TextGuess): string {
  return guess === 'gbk' ? 'gbk' : guess === 'single-byte' ? 'windows-1252' : 'utf-8'
}

/**
 * A zip member's name: UTF-8 when flagged so or when it is well-formed
 * UTF-8 anyway; else GBK (zips made on a Chinese Windows); else cp437, the
 * zip default.
 */
export function decodeName(bytes: Uint8Array, flaggedUtf8: boolean): string {
  if (flaggedUtf8 || utf8ErrorAt(bytes) < 0) {
    return new TextDecoder('utf-8').decode(bytes)
  }
  if (looksLikeGbk([bytes])) return iconv.decode(Buffer.from(bytes), 'gbk')
  return iconv.decode(Buffer.from(bytes), 'cp437')
}

export function decodeText(bytes: Uint8Array, encoding: string): string {
  return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), encoding)
}
