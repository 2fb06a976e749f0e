import { type Component, onCleanup, onMount } from 'solid-js'
import { t } from '../i18n/index.ts'

export interface AboutDataProps {
  onClose: () => void
}

/** What on the map is real (with sources and licences) and what is synthetic demo data. */
export const AboutData: Component<AboutDataProps> = (props) => {
  let closeButton!: HTMLButtonElement
  const onKey = (event: KeyboardEvent) => {
    if (event.key === 'Escape') props.onClose()
  }
  onMount(() => {
    document.addEventListener('keydown', onKey)
    closeButton.focus()
  })
  onCleanup(() => document.removeEventListener('keydown', onKey))

  return (
    <div class="dialog-backdrop">
      <section class="dialog about-data" role="dialog" aria-modal="true" aria-labelledby="about-title">
        <header>
          <h2 id="about-title">{t('about.title')}</h2>
          <button
            type="button"
            class="icon-button"
            ref={closeButton}
            aria-label={t('about.close')}
            onClick={() => props.onClose()}
          >
            ×
          </button>
        </header>
        <p class="about-intro">{t('about.intro')}</p>
        <h3>
          <span class="badge real">{t('about.realTitle')}</span>
        </h3>
        <ul>
          <li>{t('about.real.districts')}</li>
          <li>{t('about.real.lakes')}</li>
          <li>{t('about.real.rivers')}</li>
        </ul>
        <h3>
          <span class="badge synthetic">{t('about.syntheticTitle')}</span>
        </h3>
        <p>{t('about.synthetic')}</p>
        <p class="about-note">{t('about.coordinates')}</p>
        <p class="about-note">{t('about.offline')}</p>
      </section>
    </div>
  )
}
