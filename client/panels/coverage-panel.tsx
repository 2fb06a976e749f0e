import {
  type Component,
  createEffect,
  createMemo,
  createSignal,
  Match,
  on,
  onCleanup,
  Show,
  Switch,
  untrack,
} from 'solid-js'
import { type Analysis, latestOf } from '../analysis/analysis.ts'
import { formatShortDateTime } from '../analysis/format.ts'
import { formatNumber, t } from '../i18n/index.ts'
import { messageOf } from '../map/layer-data.ts'
import { CoverageBars } from './coverage-bars.tsx'
import { CoverageHelp, CoverageLegend } from './coverage-help.tsx'
import { GapList } from './gap-list.tsx'
import { PlaceCard } from './place-card.tsx'
import { PlanForm } from './plan-form.tsx'

type Tab = 'gaps' | 'units' | 'plan'

/** Seconds since `since`, ticking once a second while it is set. */
function createElapsed(since: () => number | undefined) {
  const [now, setNow] = createSignal(Date.now())
  createEffect(() => {
    if (since() === undefined) return
    const timer = setInterval(() => setNow(Date.now()), 1000)
    onCleanup(() => clearInterval(timer))
  })
  return () => {
    const start = since()
    return start === undefined ? 0 : Math.max(0, Math.round((now() - start) / 1000))
  }
}

/**
 * The coverage mode's side panel: the window, the colour legend and the definitions, a loading card
 * while the server computes (seconds), the selected place, and three tabs: the gap list, coverage
 * per district and chief, and the patrol suggestion form.
 */
export const CoveragePanel: Component<{ analysis: Analysis }> = (props) => {
  const a = () => props.analysis
  const [tab, setTab] = createSignal<Tab>('gaps')
  // A route half drawn would keep taking the map's clicks after its form is gone.
  createEffect(
    on(tab, (current) => {
      if (current !== 'plan' && untrack(a().drawing.state) === 'drawing') a().drawing.clear()
    }),
  )
  const elapsed = createElapsed(() => a().coverageSince())
  const report = () => latestOf(a().coverage)
  const gapReport = () => latestOf(a().gaps)
  const failure = () =>
    a().coverage.state === 'errored'
      ? messageOf(a().coverage.error)
      : a().gaps.state === 'errored'
        ? messageOf(a().gaps.error)
        : undefined
  const placeCount = () => latestOf(a().shapes)?.patrolled ?? report()?.places.length
  const params = () => gapReport()?.params ?? report()?.params

  createEffect(
    on(
      () => a().planChief(),
      (chief) => {
        if (chief) setTab('plan')
      },
      { defer: true },
    ),
  )

  const selected = createMemo(() => {
    const id = a().selectedPlace()
    if (!id) return undefined
    const gap = gapReport()?.gaps.find((g) => g.place.id === id)
    const coverage = a().coverageById()?.get(id)
    const feature = latestOf(a().shapes)?.byId.get(id)
    const place = gap?.place ?? coverage ?? feature?.properties
    return place ? { id, gap, coverage, place } : undefined
  })

  return (
    <section class="analysis-panel coverage-panel" aria-label={t('cov.title')} data-testid="coverage-panel">
      <header class="analysis-head">
        <h2>{t('cov.title')}</h2>
        <Show when={params()}>
          {(p) => (
            <p class="muted" data-testid="coverage-window">
              {t('cov.window', {
                from: formatShortDateTime(Date.parse(p().from)),
                to: formatShortDateTime(Date.parse(p().to)),
                radius: formatNumber(p().radius),
              })}
            </p>
          )}
        </Show>
      </header>
      <div class="analysis-body">
        <CoverageLegend />
        <CoverageHelp radius={params()?.radius ?? 200} threshold={gapReport()?.params.threshold ?? 0.5} />
        <Switch>
          <Match when={failure()}>
            {(message) => (
              <div class="analysis-error" role="alert">
                <p>{t('cov.failed', { message: message() })}</p>
                <button type="button" class="button" onClick={() => a().retryCoverage()}>
                  {t('cov.retry')}
                </button>
              </div>
            )}
          </Match>
          <Match when={a().coverageSince() !== undefined || (!report() && !a().time.playing())}>
            <div class="analysis-loading" role="status" aria-live="polite" data-testid="coverage-loading">
              <span class="spinner" aria-hidden="true" />
              <div>
                <div>
                  {placeCount()
                    ? t('cov.loading', { count: formatNumber(placeCount() ?? 0) })
                    : t('cov.loadingPlain')}
                </div>
                <div class="muted small">{t('cov.loadingNote', { seconds: formatNumber(elapsed()) })}</div>
                <div class="progress" aria-hidden="true">
                  <span />
                </div>
              </div>
            </div>
          </Match>
          <Match when={a().time.playing()}>
            <p class="muted small analysis-note">{t('cov.paused')}</p>
          </Match>
        </Switch>
        <Show when={selected()}>
          {(s) => (
            <PlaceCard
              place={s().place}
              gap={s().gap}
              coverage={s().coverage}
              chiefs={a().selectedChiefs()}
              chiefsLoading={a().chiefs.loading}
              window={report()?.params}
              onClose={() => a().selectPlace(undefined)}
              onPlanFor={(chief) => a().setPlanChief(chief)}
            />
          )}
        </Show>
        <div class="tabs" role="tablist">
          <button
            type="button"
            role="tab"
            aria-selected={tab() === 'gaps'}
            classList={{ active: tab() === 'gaps' }}
            data-tab="gaps"
            onClick={() => setTab('gaps')}
          >
            {t('cov.tab.gaps')}
          </button>
          <button
            type="button"
            role="tab"
            aria-selected={tab() === 'units'}
            classList={{ active: tab() === 'units' }}
            data-tab="units"
            onClick={() => setTab('units')}
          >
            {t('cov.tab.units')}
          </button>
          <button
            type="button"
            role="tab"
            aria-selected={tab() === 'plan'}
            classList={{ active: tab() === 'plan' }}
            data-tab="plan"
            onClick={() => setTab('plan')}
          >
            {t('cov.tab.plan')}
          </button>
        </div>
        <div class="tab-body" classList={{ stale: a().coverageSince() !== undefined }}>
          <Switch>
            <Match when={tab() === 'gaps'}>
              <Show when={gapReport()}>
                {(gaps) => (
                  <GapList
                    report={gaps()}
                    selected={a().selectedPlace()}
                    onSelect={(id) => a().selectPlace(id, true)}
                  />
                )}
              </Show>
            </Match>
            <Match when={tab() === 'units'}>
              <Show when={report()}>
                {(r) => <CoverageBars report={r()} onPlanFor={(chief) => a().setPlanChief(chief)} />}
              </Show>
            </Match>
            <Match when={tab() === 'plan'}>
              <PlanForm
                chiefs={report()?.chiefs}
                chief={a().planChief()}
                windowEnd={a().time.end()}
                start={a().planStart()}
                onStart={a().setPlanStart}
                picking={a().picking()}
                onPicking={a().setPicking}
                plan={a().plan()}
                onPlan={a().setPlan}
                map={a().map()}
                drawing={a().drawing}
                gaps={gapReport()?.gaps}
                shapes={latestOf(a().shapes)}
                coverage={a().coverageById()}
                radius={gapReport()?.params.radius ?? 200}
              />
            </Match>
          </Switch>
        </div>
      </div>
    </section>
  )
}
