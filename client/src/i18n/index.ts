import { en } from './en.ts'
import { mapEn } from './map.en.ts'
import { mapZhCN, type MapMessageKey } from './map.zh-CN.ts'
import { toolsEn } from './tools-en.ts'
import { toolsZhCN, type ToolsMessageKey } from './tools-zh-CN.ts'
import { zhCN, type MessageKey as CoreMessageKey } from './zh-CN.ts'

export type MessageKey = CoreMessageKey | MapMessageKey | ToolsMessageKey
export type Language = 'zh-CN' | 'en'

export const LANGUAGES: readonly Language[] = ['zh-CN', 'en']
const STORAGE_KEY = 'jiyuan.lang'
const messages: Record<Language, Record<MessageKey, string>> = {
  'zh-CN': { ...zhCN, ...mapZhCN, ...toolsZhCN },
  en: { ...en, ...mapEn, ...toolsEn },
}

type Listener = (language: Language) => void
const listeners = new Set<Listener>()
let current: Language = readStoredLanguage()

function isLanguage(value: unknown): value is Language {
  return value === 'zh-CN' || value === 'en'
}

/** localStorage is missing under Node and may throw in private windows. */
function readStoredLanguage(): Language {
  try {
    const stored = globalThis.localStorage?.getItem(STORAGE_KEY)
    return isLanguage(stored) ? stored : 'zh-CN'
  } catch {
    return 'zh-CN'
  }
}

export function getLanguage(): Language {
  return current
}

export function setLanguage(language: Language): void {
  if (language === current) return

  current = language
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, language)
  } catch {
    // The choice then lasts for this page only.
  }
  for (const listener of listeners) listener(language)
}

/** Calls `listener` after every language change; returns the unsubscribe. */
export function onLanguageChange(listener: Listener): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

/** The message for `key`, with `{name}` placeholders filled from `params`. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const template = messages[current][key]
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  )
}
