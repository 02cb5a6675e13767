import { ApiError } from '../api/http.ts'
import { signIn, type SessionUser } from '../api/session.ts'
import { onLanguageChange, t } from '../i18n/index.ts'
import { h } from './dom.ts'

/**
 * The sign-in form. Calls `onSignedIn` with the user once the server has set
 * the session cookie; shows the server's message otherwise.
 */
export function mountSignIn(
  root: HTMLElement,
  onSignedIn: (user: SessionUser) => void,
): () => void {
  const heading = h('h1')
  const usernameLabel = h('span')
  const passwordLabel = h('span')
  const username = h('input', { name: 'username', autocomplete: 'username', required: true })
  const password = h('input', {
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
  })
  const submit = h('button', { type: 'submit' })
  const message = h('p', { class: 'sign-in-error', role: 'alert' })
  const form = h(
    'form',
    { class: 'sign-in', 'aria-labelledby': 'sign-in-heading' },
    heading,
    h('label', {}, usernameLabel, username),
    h('label', {}, passwordLabel, password),
    submit,
    message,
  )
  heading.id = 'sign-in-heading'

  const renderTexts = (): void => {
    heading.textContent = t('signIn.heading')
    usernameLabel.textContent = t('signIn.username')
    passwordLabel.textContent = t('signIn.password')
    submit.textContent = t('signIn.submit')
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault()
    submit.disabled = true
    submit.textContent = t('signIn.busy')
    message.textContent = ''
    signIn(username.value.trim(), password.value)
      .then(onSignedIn)
      .catch((error: unknown) => {
        message.textContent = error instanceof ApiError ? error.message : t('signIn.failed')
        submit.disabled = false
        renderTexts()
      })
  })

  renderTexts()
  root.append(h('div', { class: 'sign-in-page' }, form))
  username.focus()
  const unsubscribe = onLanguageChange(renderTexts)
  return () => {
    unsubscribe()
    form.parentElement?.remove()
  }
}
