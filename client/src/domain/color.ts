/** `#rrggbb` (or `#rgb`) to [r, g, b] in 0–255; null for anything else. */
export function parseHex(hex: string): [number, number, number] | null {
  const match = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(hex.trim())
  if (!match?.[1]) return null

  const digits = match[1].length === 3 ? [...match[1]].map((d) => d + d).join('') : match[1]
  return [0, 2, 4].map((i) => parseInt(digits.slice(i, i + 2), 16)) as [number, number, number]
}

function toHex(channels: number[]): string {
  return '#' + channels.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')
}

/** The color moved towards black by `amount` (0–1): the outline of a fill. */
export function darken(hex: string, amount = 0.35): string {
  const rgb = parseHex(hex)
  if (!rgb) return hex
  return toHex(rgb.map((c) => c * (1 - amount)))
}
