import type { Component } from 'solid-js'
import { formatPercent } from '../analysis/format.ts'
import { formatNumber, t } from '../i18n/index.ts'
import { coverageGradient, noDataColor } from '../map/coverage-layer.ts'

/** The coverage ramp: red 0 % through yellow (the 50 % gap threshold) to green 100 %; grey: no target. */
export const CoverageLegend: Component = () => (
  <div class="coverage-legend" data-testid="coverage-legend">
    <div class="legend-title">{t('cov.legend.title')}</div>
    <div class="ramp" style={{ background: coverageGradient }} />
    <div class="ramp-labels">
      <span>{formatPercent(0)}</span>
      <span>{formatPercent(0.5)}</span>
      <span>{formatPercent(1)}</span>
    </div>
    <div class="legend-extra-line">
      <span
        class="legend-chip"
        style={{ background: `rgb(${noDataColor[0]} ${noDataColor[1]} ${noDataColor[2]})` }}
      />
      <span>{t('cov.legend.noData')}</span>
      <span class="legend-sep">·</span>
      <span>{t('cov.legend.threshold')}</span>
    </div>
  </div>
)

export interface CoverageHelpProps {
  radius: number
  threshold: number
}

/** The definitions behind the figures (docs/definitions.md), short, in the language of the screen. */
export const CoverageHelp: Component<CoverageHelpProps> = (props) => (
  <details class="coverage-help" data-testid="coverage-help">
    <summary>{t('cov.help.title')}</summary>
    <p>{t('cov.help.covered', { radius: formatNumber(props.radius) })}</p>
    <p>{t('cov.help.gap', { threshold: formatPercent(props.threshold) })}</p>
    <p>{t('cov.help.rank')}</p>
    <p>{t('cov.help.totals')}</p>
  </details>
)
