import { type Component, For, type JSX, Show } from 'solid-js'
import { type Locale, locale, locales, setLocale, t } from '../i18n/index.ts'
import { signOut, user } from '../session.ts'

export interface HeaderProps {
  onAbout: () => void
  /** Opens the incident import; offered to admins only. */
  onImport: () => void
  /** Shown between the title and the actions (the mode switch). */
  children?: JSX.Element
}

/**
 * The product name 山水 Shanshui, what the screen is, the incident import (admins), "about the data"
 * and the language switch.
 */
export const Header: Component<HeaderProps> = (props) => (
  <header class="app-header">
    <div class="brand" translate="no">
      <span class="brand-mark" aria-hidden="true">
        山水
      </span>
      <span class="brand-name">Shanshui</span>
    </div>
    <h1 class="app-subtitle" data-testid="subtitle">
      {t('app.subtitle')}
    </h1>
    {props.children}
    <div class="header-actions">
      <Show when={user()?.role === 'admin'}>
        <button
          type="button"
          class="link-button"
          onClick={() => props.onImport()}
          data-testid="import-button"
        >
          {t('import.open')}
        </button>
      </Show>
      <button type="button" class="link-button" onClick={() => props.onAbout()} data-testid="about-button">
        {t('header.about')}
      </button>
      <LanguageSwitch />
      <span class="user-chip" data-testid="user-chip" data-role={user()?.role}>
        <span class="user-name">{user()?.display_name}</span>
        <span class="user-role">{user() ? t(`role.${user()?.role ?? 'supervisor'}`) : ''}</span>
      </span>
      <button type="button" class="link-button" data-testid="sign-out" onClick={() => void signOut()}>
        {t('header.signOut')}
      </button>
    </div>
  </header>
)

/** A two-way switch; the choice is remembered in localStorage (i18n/index.ts). */
export const LanguageSwitch: Component = () => (
  <fieldset class="language-switch" aria-label={t('lang.label')}>
    <legend class="visually-hidden">{t('lang.label')}</legend>
    <For each={locales}>
      {(option: Locale) => (
        <button
          type="button"
          lang={option}
          aria-pressed={locale() === option}
          classList={{ active: locale() === option }}
          data-locale={option}
          onClick={() => setLocale(option)}
        >
          {t(`lang.${option}`)}
        </button>
      )}
    </For>
  </fieldset>
)
