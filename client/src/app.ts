import { getSession, signOut, type SessionUser } from './api/session.ts'
import { t } from './i18n/index.ts'
import { h } from './panels/dom.ts'
import { mountHeader } from './panels/header.ts'
import { mountSignIn } from './panels/sign-in.ts'
import { mountWorkspace } from './workspace.ts'

/** The whole page: the header always, then the sign-in form or the workspace. */
export function startApp(root: HTMLElement): void {
  const header = mountHeader(root, () => void leave())
  const content = h('main', { class: 'content' })
  root.append(content)
  let unmount = (): void => {}

  const enter = (user: SessionUser): void => {
    unmount()
    header.setUser(user)
    unmount = mountWorkspace(content, user, header)
  }
  const askToSignIn = (): void => {
    unmount()
    header.setUser(null)
    unmount = mountSignIn(content, enter)
  }
  const leave = async (): Promise<void> => {
    // A failed sign-out still leaves the page; the next call will tell if the session lives on.
    await signOut().catch(() => undefined)
    askToSignIn()
  }

  content.append(h('p', { class: 'loading' }, t('app.loading')))
  getSession()
    .then((user) => {
      content.replaceChildren()
      if (user) enter(user)
      else askToSignIn()
    })
    .catch((error: unknown) => {
      content.replaceChildren(
        h(
          'p',
          { class: 'fatal', role: 'alert' },
          error instanceof Error ? error.message : String(error),
        ),
      )
    })
}
