// What the server accepts in a parcel's properties, as plain data: the
// server's parser (server/src/parcels/properties.ts) and the client's
// attribute form check against the same rules.

/** 地块编码: letters, digits, '-' and '_', 1 to 64 of them. */
export const CODE_PATTERN = /^[A-Za-z0-9_-]{1,64}$/

/** Town and village codes are digits only (370215xxx, 370215xxxxxx). */
export const PLACE_CODE_PATTERN = /^\d{9,12}$/

/** Longest text accepted per field, in characters. */
export const TEXT_LIMITS = {
  name: 200,
  subtype: 100,
  ownership: 200,
  location: 500,
  intended_use: 50,
} as const

export type TextField = keyof typeof TEXT_LIMITS

/** Control characters other than tab and newline have no place in a ledger. */
export const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/

/** The declared area, 亩, lies from 0 to this. */
export const DECLARED_AREA_MAX_MU = 1_000_000
