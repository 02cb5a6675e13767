// The CJK font of every PDF: Noto Sans SC from the npm package
// @expo-google-fonts/noto-sans-sc (TrueType, SIL Open Font License), so a
// fresh `npm install` can make PDFs without Debian's fonts-noto-cjk. Each
// 10 MB file is parsed once per process; pdfkit embeds only the glyphs a
// document uses (a subset), so a dossier stays small.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import * as fontkit from 'fontkit'

const require = createRequire(import.meta.url)

const FILES = {
  regular: '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
  bold: '@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf',
} as const

export type FontWeight = keyof typeof FILES

// Per process: the fonts are files of the installation, parsed once.
const parsed = new Map<FontWeight, fontkit.Font>()

/** The parsed font, as pdfkit's registerFont takes it (anything with a layout()). */
export function cjkFont(weight: FontWeight): fontkit.Font {
  let font = parsed.get(weight)
  if (!font) {
    const created = fontkit.create(readFileSync(require.resolve(FILES[weight])))
    if (!('layout' in created)) throw new Error(`${FILES[weight]} is a font collection, expected one font`)
    font = created
    parsed.set(weight, font)
  }
  return font
}
