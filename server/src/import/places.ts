import type { Queryable } from '../db/db.ts'

/** Town and village names and codes, to resolve what import files call them. */
export interface PlaceLookup {
  resolveTown(nameOrCode: string): string | undefined
  resolveVillage(nameOrCode: string, town: string | undefined): string | undefined
  /** The town a village code belongs to. */
  townOfVillage(code: string): string | undefined
}

export async function loadPlaces(db: Queryable): Promise<PlaceLookup> {
  const towns = await db.query<{ code: string; name: string }>('SELECT code, name FROM towns')
  const villages = await db.query<{ code: string; name: string; town: string }>(
    'SELECT code, name, town FROM villages',
  )
  const townByName = new Map(towns.rows.map((t) => [t.name, t.code]))
  const townCodes = new Set(towns.rows.map((t) => t.code))
  const villageTown = new Map(villages.rows.map((v) => [v.code, v.town]))
  const villageByName = new Map(villages.rows.map((v) => [`${v.town}/${v.name}`, v.code]))
  // A village name alone identifies a village when no other town has one of that name.
  const villagesNamed = new Map<string, string[]>()
  for (const v of villages.rows) villagesNamed.set(v.name, [...(villagesNamed.get(v.name) ?? []), v.code])

  return {
    resolveTown(value) {
      const text = value.trim()
      if (townCodes.has(text)) return text
      return townByName.get(text) ?? townByName.get(shortName(text, towns.rows))
    },
    resolveVillage(value, town) {
      const text = value.trim()
      if (villageTown.has(text)) return text
      const name = text.endsWith('村') ? text : `${text}村`
      if (town) return villageByName.get(`${town}/${name}`)
      const codes = villagesNamed.get(name) ?? []
      return codes.length === 1 ? codes[0] : undefined
    },
    townOfVillage: (code) => villageTown.get(code),
  }
}

/** "田横" for "田横镇", "环秀" for "环秀街道": files often drop the suffix. */
function shortName(text: string, towns: { name: string }[]): string {
  const match = towns.find((t) => t.name.replace(/(街道|镇|省级旅游度假区|新经济区)$/, '') === text)
  return match?.name ?? text
}
