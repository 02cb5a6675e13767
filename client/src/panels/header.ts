import type { SessionUser } from '../api/session.ts'
import { allowed } from '../auth/permissions.ts'
import { roleName } from '../format/names.ts'
import {
  getLanguage,
  LANGUAGES,
  onLanguageChange,
  setLanguage,
  t,
  type Language,
} from '../i18n/index.ts'
import { h } from './dom.ts'

/** Each language is named in itself, so whoever cannot read the current one still finds theirs. */
const LANGUAGE_NAMES: Record<Language, string> = { 'zh-CN': '中文', en: 'English' }

export interface Header {
  /** Shows who is signed in, or nobody. */
  setUser(user: SessionUser | null, townName?: string | null): void
}

export function mountHeader(root: HTMLElement, onSignOut: () => void): Header {
  const title = h('span', { class: 'title' })
  const who = h('span', { class: 'who' })
  const readOnly = h('span', { class: 'read-only', hidden: true })
  const signOut = h('button', { type: 'button', class: 'sign-out' })
  const switcher = h('div', { class: 'language-switch', role: 'group' })
  const languageButtons = LANGUAGES.map((language) => {
    const button = h('button', { type: 'button', lang: language }, LANGUAGE_NAMES[language])
    button.addEventListener('click', () => setLanguage(language))
    switcher.append(button)
    return { language, button }
  })
  root.append(
    h('header', { class: 'topbar' }, title, h('div', { class: 'session' }, who, readOnly, switcher, signOut)),
  )
  signOut.addEventListener('click', onSignOut)

  let user: SessionUser | null = null
  let townName: string | null = null
  const render = (): void => {
    document.title = t('app.title')
    document.documentElement.lang = getLanguage()
    title.textContent = t('app.title')
    switcher.setAttribute('aria-label', t('header.language'))
    for (const { language, button } of languageButtons) {
      button.setAttribute('aria-pressed', String(language === getLanguage()))
    }
    who.textContent = user ? `${user.username} · ${roleName(user.role, townName)}` : ''
    // what the role may see and do, so nobody wonders why a tool is missing
    who.title = user ? (townName ? t('header.scopeTown', { town: townName }) : t('header.scopeDistrict')) : ''
    readOnly.hidden = !user || allowed(user, 'parcel.write')
    readOnly.textContent = t('header.readOnly')
    signOut.textContent = t('header.signOut')
    signOut.hidden = !user
  }
  onLanguageChange(render)
  render()

  return {
    setUser(next, nextTownName = null) {
      user = next
      townName = nextTownName
      render()
    },
  }
}
