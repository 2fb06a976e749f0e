import { type Component, createSignal, Show } from 'solid-js'
import { t } from './i18n/index.ts'
import { LanguageSwitch } from './panels/header.tsx'
import { SignInError, signIn } from './session.ts'

/** The sign-in page: name and password; wrong ones and the lock after repeated tries are said plainly. */
export const SignIn: Component = () => {
  const [username, setUsername] = createSignal('')
  const [password, setPassword] = createSignal('')
  const [busy, setBusy] = createSignal(false)
  const [error, setError] = createSignal<string>()

  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    setError(undefined)
    setBusy(true)
    try {
      await signIn(username().trim(), password())
    } catch (failure) {
      const status = failure instanceof SignInError ? failure.status : 0
      setError(
        status === 401
          ? t('signIn.wrong')
          : status === 429
            ? t('signIn.locked', { message: (failure as Error).message })
            : t('signIn.failed', { message: failure instanceof Error ? failure.message : String(failure) }),
      )
    } finally {
      setBusy(false)
    }
  }

  return (
    <main class="sign-in-page">
      <form class="sign-in" data-testid="sign-in" onSubmit={(event) => void submit(event)}>
        <div class="sign-in-brand" translate="no">
          <span class="brand-mark">山水</span> <span class="brand-name">Shanshui</span>
        </div>
        <p class="muted">{t('app.subtitle')}</p>
        <label>
          <span>{t('signIn.username')}</span>
          <input
            name="username"
            autocomplete="username"
            required
            value={username()}
            onInput={(event) => setUsername(event.currentTarget.value)}
          />
        </label>
        <label>
          <span>{t('signIn.password')}</span>
          <input
            name="password"
            type="password"
            autocomplete="current-password"
            required
            value={password()}
            onInput={(event) => setPassword(event.currentTarget.value)}
          />
        </label>
        <Show when={error()}>
          {(message) => (
            <p class="form-error" role="alert" data-testid="sign-in-error">
              {message()}
            </p>
          )}
        </Show>
        <button type="submit" class="button" disabled={busy()} data-testid="sign-in-submit">
          {busy() ? t('signIn.busy') : t('signIn.submit')}
        </button>
        <p class="muted small">{t('signIn.demo')}</p>
        <LanguageSwitch />
      </form>
    </main>
  )
}
