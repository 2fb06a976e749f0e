import { type Component, For, Show } from 'solid-js'
import { formatNumber } from '../i18n/index.ts'

export interface SparklineProps {
  values: readonly number[]
  /** Labels under the first and the last value. */
  firstLabel: string
  lastLabel: string
  /** What the line shows, for screen readers. */
  label: string
  width?: number
  height?: number
}

/** A small SVG line of counts (oldest left), with its dots, the peak marked and the axis ends named. */
export const Sparkline: Component<SparklineProps> = (props) => {
  const width = () => props.width ?? 300
  const height = () => props.height ?? 64
  const pad = { left: 6, right: 6, top: 12, bottom: 16 }
  const max = () => Math.max(1, ...props.values)
  const x = (i: number) =>
    pad.left +
    (props.values.length <= 1 ? 0 : (i * (width() - pad.left - pad.right)) / (props.values.length - 1))
  const y = (v: number) => pad.top + (1 - v / max()) * (height() - pad.top - pad.bottom)
  const line = () => props.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ')
  const area = () =>
    `${x(0).toFixed(1)},${y(0).toFixed(1)} ${line()} ${x(props.values.length - 1).toFixed(1)},${y(0).toFixed(1)}`
  const peak = () => props.values.indexOf(max())
  return (
    <svg
      class="sparkline"
      data-testid="sparkline"
      width={width()}
      height={height()}
      viewBox={`0 0 ${width()} ${height()}`}
      role="img"
      aria-label={`${props.label}: ${props.values.join(', ')}`}
    >
      <line class="spark-axis" x1={pad.left} x2={width() - pad.right} y1={y(0)} y2={y(0)} />
      <polygon class="spark-area" points={area()} />
      <polyline class="spark-line" points={line()} />
      <For each={props.values}>
        {(v, i) => <circle class="spark-dot" classList={{ zero: v === 0 }} cx={x(i())} cy={y(v)} r={2.2} />}
      </For>
      <Show when={max() > 0 && peak() >= 0}>
        <text class="spark-peak" x={x(peak())} y={y(max()) - 4} text-anchor="middle">
          {formatNumber(max())}
        </text>
      </Show>
      <text class="spark-label" x={pad.left} y={height() - 3} text-anchor="start">
        {props.firstLabel}
      </text>
      <text class="spark-label" x={width() - pad.right} y={height() - 3} text-anchor="end">
        {props.lastLabel}
      </text>
    </svg>
  )
}
