import { type Component, Match, type Resource, Switch } from 'solid-js'
import type { Health } from '../api.ts'
import { formatNumber, t } from '../i18n/index.ts'
import { messageOf } from '../map/layer-data.ts'
import type { MapView } from '../map/url-view.ts'

export interface StatusLineProps {
  health: Resource<Health>
  view: MapView
}

/** The bottom line: which backend answers (embedded PGlite or PostgreSQL) and where the map is. */
export const StatusLine: Component<StatusLineProps> = (props) => (
  <footer class="status-line">
    <span class="status-backend" data-testid="backend">
      <Switch>
        <Match when={props.health.state === 'errored'}>
          <span class="status-dot bad" />
          {t('status.offline', { message: messageOf(props.health.error) })}
        </Match>
        <Match when={props.health.state === 'ready' && props.health()}>
          {(health) => (
            <>
              <span class="status-dot ok" />
              <span data-db={health().db}>{t('status.backend', { db: t(`status.db.${health().db}`) })}</span>
              <span class="status-sep">·</span>
              <span>{t('status.postgis', { version: health().postgis })}</span>
            </>
          )}
        </Match>
        <Match when={true}>
          <span class="status-dot" />
          {t('status.checking')}
        </Match>
      </Switch>
    </span>
    <span class="status-view" data-testid="view">
      {t('status.view', {
        lon: formatNumber(props.view.lon, 4),
        lat: formatNumber(props.view.lat, 4),
        zoom: formatNumber(props.view.zoom, 2),
      })}
    </span>
  </footer>
)
