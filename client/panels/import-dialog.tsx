import { type Component, createSignal, For, Match, onCleanup, onMount, Show, Switch } from 'solid-js'
import { ApiError } from '../api.ts'
import { formatNumber, t } from '../i18n/index.ts'
import {
  type ImportProblem,
  type IncidentImportResult,
  importIncidentsCsv,
  isImportProblem,
} from '../import-api.ts'

export interface ImportDialogProps {
  onClose: () => void
  /** After a file was imported (the incidents on the map are then stale). */
  onImported: () => void
}

type ImportState =
  | { step: 'idle' }
  | { step: 'uploading'; percent: number }
  | { step: 'working' }
  | { step: 'done'; result: IncidentImportResult }
  | { step: 'refused'; message: string; problems: ImportProblem[] }

/**
 * An admin's import of an incidents CSV (POST /api/incidents/import): the file, the upload's progress,
 * then the server's work, then what was imported — or why nothing was, with the first problems and
 * their lines.
 */
export const ImportDialog: Component<ImportDialogProps> = (props) => {
  let closeButton!: HTMLButtonElement
  const [file, setFile] = createSignal<File>()
  const [state, setState] = createSignal<ImportState>({ step: 'idle' })
  /** The state when it is at `step`, else undefined (for <Match when>). */
  const at = <Step extends ImportState['step']>(step: Step) => {
    const current = state()
    return current.step === step ? (current as Extract<ImportState, { step: Step }>) : undefined
  }
  const busy = () => at('uploading') !== undefined || at('working') !== undefined
  const onKey = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && !busy()) props.onClose()
  }
  onMount(() => {
    document.addEventListener('keydown', onKey)
    closeButton.focus()
  })
  onCleanup(() => document.removeEventListener('keydown', onKey))

  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    const chosen = file()
    if (!chosen) return
    setState({ step: 'uploading', percent: 0 })
    try {
      const result = await importIncidentsCsv(chosen, (sent, total) =>
        // Once the last byte is sent, the server checks and writes the rows.
        setState(
          sent < total
            ? { step: 'uploading', percent: Math.floor((100 * sent) / total) }
            : { step: 'working' },
        ),
      )
      setState({ step: 'done', result })
      props.onImported()
    } catch (error) {
      const details = error instanceof ApiError ? error.details : []
      setState({
        step: 'refused',
        message: error instanceof Error ? error.message : String(error),
        problems: details.filter(isImportProblem),
      })
    }
  }

  return (
    <div class="dialog-backdrop">
      <section
        class="dialog import-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="import-title"
        data-import-step={state().step}
      >
        <header>
          <h2 id="import-title">{t('import.title')}</h2>
          <button
            type="button"
            class="icon-button"
            ref={closeButton}
            aria-label={t('import.close')}
            disabled={busy()}
            onClick={() => props.onClose()}
          >
            ×
          </button>
        </header>
        <p class="about-intro">{t('import.intro')}</p>
        <form class="import-form" onSubmit={submit}>
          <label>
            {t('import.file')}{' '}
            <input
              type="file"
              accept=".csv,text/csv"
              data-testid="import-file"
              disabled={busy()}
              onChange={(event) => setFile(event.currentTarget.files?.[0])}
            />
          </label>
          <button type="submit" data-testid="import-submit" disabled={!file() || busy()}>
            {t('import.submit')}
          </button>
        </form>
        <Switch>
          <Match when={at('uploading')}>
            {(uploading) => (
              <p role="status">
                <progress max="100" value={uploading().percent} />{' '}
                {t('import.uploading', { percent: uploading().percent })}
              </p>
            )}
          </Match>
          <Match when={at('working')}>
            <p role="status">
              <progress /> {t('import.working')}
            </p>
          </Match>
          <Match when={at('done')?.result}>
            {(result) => (
              <p role="status" class="import-done" data-testid="import-result">
                {t('import.done', {
                  count: formatNumber(result().imported),
                  first: result().first_id ?? '–',
                  last: result().last_id ?? '–',
                })}
                <Show when={result().without_district > 0}>
                  {' '}
                  {t('import.withoutDistrict', { count: formatNumber(result().without_district) })}
                </Show>
              </p>
            )}
          </Match>
          <Match when={at('refused')}>
            {(refused) => (
              <div role="alert" class="import-refused" data-testid="import-refused">
                {/* The server's message lists the first problems too: with the list, only say why. */}
                <p>
                  {refused().problems.length > 0
                    ? t('import.refusedRows')
                    : t('import.refused', { message: refused().message })}
                </p>
                <Show when={refused().problems.length > 0}>
                  <h3>{t('import.problems')}</h3>
                  <ul>
                    <For each={refused().problems}>
                      {(problem) => (
                        <li>
                          {t('import.problem', { line: problem.line })}
                          {problem.column ? ` · ${problem.column}` : ''}: {problem.reason}
                        </li>
                      )}
                    </For>
                  </ul>
                </Show>
              </div>
            )}
          </Match>
        </Switch>
      </section>
    </div>
  )
}
