import { type Component, createSignal, For, onCleanup, onMount } from 'solid-js'
import { t } from '../i18n/index.ts'
import { categoryName, whereName } from '../incident-format.ts'
import { type FeedEntry, toastMs } from '../incident-store.ts'
import { categoryColors, statusColors } from '../map/incident-style.ts'
import { feedVerb } from './incidents-dock.tsx'

/** The latest live changes as small cards at the bottom of the map, for a few seconds each. */
export const IncidentToasts: Component<{ feed: readonly FeedEntry[]; onOpen: (id: number) => void }> = (
  props,
) => {
  const [now, setNow] = createSignal(Date.now())
  onMount(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000)
    onCleanup(() => clearInterval(timer))
  })
  const shown = () => props.feed.filter((entry) => now() - entry.receivedAt < toastMs).slice(0, 3)
  return (
    <div class="incident-toasts" role="status" aria-live="polite" data-testid="incident-toasts">
      <For each={shown()}>
        {(entry) => (
          <button
            type="button"
            class="incident-toast"
            style={{
              '--c': categoryColors[entry.incident.properties.category],
              '--s': statusColors[entry.incident.properties.status],
            }}
            data-incident-id={entry.incident.properties.id}
            data-status={entry.incident.properties.status}
            onClick={() => props.onOpen(entry.incident.properties.id)}
          >
            <span class="inc-toast-verb">{feedVerb(entry)}</span>
            <span class="inc-toast-text">
              {t('incident.feed.at', {
                category: categoryName(entry.incident.properties.category),
                place: whereName(entry.incident.properties),
              })}
            </span>
          </button>
        )}
      </For>
    </div>
  )
}
