import { ZONE_STYLES } from '../../../server/src/domain/zone-classes.ts'
import { getLanguage } from '../i18n/index.ts'

/** A zone class named in the interface language; a class the plan does not list by its code. */
export function zoneClassName(zoneClass: string): string {
  const style = ZONE_STYLES[zoneClass]
  if (!style) return zoneClass
  return getLanguage() === 'en' ? style.en : style.zh
}
