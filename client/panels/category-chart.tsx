import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js'
import { type Component, createEffect, onCleanup, onMount } from 'solid-js'

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip)

export interface CategoryChartProps {
  /** Category codes, in the order drawn. */
  categories: readonly string[]
  labels: readonly string[]
  current: readonly number[]
  previous: readonly number[]
  currentLabel: string
  previousLabel: string
  onSelect: (category: string) => void
}

/** Incidents by category in the window against the window before: horizontal bars (Chart.js). */
export const CategoryChart: Component<CategoryChartProps> = (props) => {
  let canvas!: HTMLCanvasElement
  let chart: Chart<'bar'> | undefined
  onMount(() => {
    chart = new Chart(canvas, {
      type: 'bar',
      data: { labels: [], datasets: [] },
      options: {
        indexAxis: 'y',
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { position: 'bottom', labels: { boxWidth: 10, font: { size: 11 } } } },
        scales: { x: { ticks: { precision: 0, font: { size: 10 } } }, y: { ticks: { font: { size: 11 } } } },
        onClick: (_event, elements) => {
          const index = elements[0]?.index
          const category = index === undefined ? undefined : props.categories[index]
          if (category) props.onSelect(category)
        },
      },
    })
  })
  createEffect(() => {
    if (!chart) return
    chart.data.labels = [...props.labels]
    chart.data.datasets = [
      { label: props.currentLabel, data: [...props.current], backgroundColor: '#1d4ed8' },
      { label: props.previousLabel, data: [...props.previous], backgroundColor: '#cbd5e1' },
    ]
    chart.update()
  })
  onCleanup(() => chart?.destroy())
  return (
    <div class="category-chart" style={{ height: `${40 + props.categories.length * 26}px` }}>
      <canvas ref={canvas} data-testid="category-chart" />
    </div>
  )
}
