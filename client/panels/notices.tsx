import { type Component, For, Show } from 'solid-js'
import type { LayerId } from '../api.ts'
import { t } from '../i18n/index.ts'
import { layerDefinition } from '../map/catalog.ts'

/** A quiet card while layers are fetched or drawn. */
export const LoadingNotice: Component<{ drawing: boolean }> = (props) => (
  <div class="notice loading" role="status" aria-live="polite" data-testid="loading">
    <span class="spinner" aria-hidden="true" />
    <span>{props.drawing ? t('state.loadingMap') : t('state.loadingLayers')}</span>
  </div>
)

/** The map could not start or its layer list failed: say why, offer a retry. */
export const ErrorNotice: Component<{ message: string; onRetry?: () => void }> = (props) => (
  <div class="notice error center" role="alert" data-testid="error">
    <strong>{t('state.errorTitle')}</strong>
    <p class="notice-message">{props.message}</p>
    <Show when={props.onRetry}>
      {(retry) => (
        <button type="button" class="button" onClick={() => retry()()}>
          {t('state.retry')}
        </button>
      )}
    </Show>
  </div>
)

/** The server answered but holds no features at all. */
export const EmptyNotice: Component = () => (
  <div class="notice empty center" role="status" data-testid="empty">
    <strong>{t('state.emptyTitle')}</strong>
    <p>{t('state.emptyBody')}</p>
  </div>
)

export interface LayerErrorsNoticeProps {
  errors: readonly [LayerId, string][]
  onRetry: (id: LayerId) => void
  onDismiss: () => void
}

/** Some layers failed while others drew: list them with the server's messages. */
export const LayerErrorsNotice: Component<LayerErrorsNoticeProps> = (props) => (
  <div class="notice error top" role="alert" data-testid="layer-errors">
    <div class="notice-head">
      <strong>{t('state.layerErrors')}</strong>
      <button
        type="button"
        class="icon-button"
        aria-label={t('state.dismiss')}
        onClick={() => props.onDismiss()}
      >
        ×
      </button>
    </div>
    <ul>
      <For each={props.errors}>
        {([id, message]) => (
          <li>
            <span class="notice-layer">{t(layerDefinition(id).label)}</span>: {message}{' '}
            <button type="button" class="link-button small" onClick={() => props.onRetry(id)}>
              {t('panel.retry')}
            </button>
          </li>
        )}
      </For>
    </ul>
  </div>
)
