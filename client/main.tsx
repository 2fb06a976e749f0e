import 'maplibre-gl/dist/maplibre-gl.css'
import './styles.css'
import { Match, Switch } from 'solid-js'
import { render } from 'solid-js/web'
import { App } from './app.tsx'
import { t } from './i18n/index.ts'
import { loadSession, user } from './session.ts'
import { SignIn } from './sign-in.tsx'

const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root element')
void loadSession()
// The map only for a signed-in user; signing out (or a session that ends) comes back here.
render(
  () => (
    <Switch>
      <Match when={user() === undefined}>
        <p class="muted sign-in-wait">{t('signIn.busy')}</p>
      </Match>
      <Match when={user() === null}>
        <SignIn />
      </Match>
      <Match when={user()} keyed>
        {(_signedIn) => <App />}
      </Match>
    </Switch>
  ),
  root,
)
