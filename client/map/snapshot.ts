import type { Map as MapLibreMap } from 'maplibre-gl'
import type { RGBA } from './catalog.ts'

/**
 * The map as an image: the WebGL canvas (MapLibre and the interleaved deck.gl layers share it) is
 * copied inside the 'render' event, while its drawing buffer still holds the frame, so the map
 * needs no preserveDrawingBuffer.
 */
export function captureMap(map: MapLibreMap): Promise<HTMLCanvasElement> {
  return new Promise((resolve) => {
    map.once('render', () => {
      const source = map.getCanvas()
      const copy = document.createElement('canvas')
      copy.width = source.width
      copy.height = source.height
      copy.getContext('2d')?.drawImage(source, 0, 0)
      resolve(copy)
    })
    map.triggerRepaint()
  })
}

export interface SnapshotLegend {
  title: string
  /** Colour stops of a ramp, 0..1. */
  stops: readonly (readonly [number, RGBA])[]
  labels: readonly string[]
}

/** A scale bar length of 1, 2 or 5 × 10^n metres that is at most `maxMetres`. */
export function scaleBarMetres(maxMetres: number): number {
  const power = 10 ** Math.floor(Math.log10(maxMetres))
  const first = maxMetres / power
  return (first >= 5 ? 5 : first >= 2 ? 2 : 1) * power
}

/** Metres per CSS pixel of a Web Mercator map (512-pixel tiles) at a latitude and zoom. */
export const metresPerPixel = (lat: number, zoom: number) =>
  (40_075_016.686 * Math.cos((lat * Math.PI) / 180)) / (512 * 2 ** zoom)

/** The captured map with a title, the legend (bottom left) and a scale bar (bottom right), as a PNG. */
export async function mapImage(map: MapLibreMap, title: string, legend: SnapshotLegend): Promise<Blob> {
  const canvas = await captureMap(map)
  const context = canvas.getContext('2d')
  if (!context) throw new Error('no 2D canvas to draw the legend on')
  const ratio = canvas.width / map.getCanvas().clientWidth
  context.scale(ratio, ratio)
  const width = canvas.width / ratio
  const height = canvas.height / ratio
  const font = '"WenQuanYi Micro Hei", "Noto Sans CJK SC", sans-serif'

  const box = (x: number, y: number, w: number, h: number) => {
    context.fillStyle = 'rgba(255, 255, 255, 0.88)'
    context.fillRect(x, y, w, h)
    context.strokeStyle = 'rgba(15, 23, 42, 0.35)'
    context.strokeRect(x + 0.5, y + 0.5, w - 1, h - 1)
  }
  context.font = `600 15px ${font}`
  const titleWidth = context.measureText(title).width
  box(12, 12, titleWidth + 20, 30)
  context.fillStyle = '#0f172a'
  context.fillText(title, 22, 32)

  // The legend: a ramp with its labels.
  box(12, height - 74, 232, 62)
  context.font = `600 12px ${font}`
  context.fillStyle = '#0f172a'
  context.fillText(legend.title, 22, height - 56)
  const ramp = context.createLinearGradient(22, 0, 234, 0)
  for (const [at, [r, g, b]] of legend.stops) ramp.addColorStop(at, `rgb(${r}, ${g}, ${b})`)
  context.fillStyle = ramp
  context.fillRect(22, height - 48, 212, 12)
  context.font = `11px ${font}`
  context.fillStyle = '#334155'
  legend.labels.forEach((label, i) => {
    const x = 22 + (212 * i) / Math.max(1, legend.labels.length - 1)
    context.textAlign = i === 0 ? 'left' : i === legend.labels.length - 1 ? 'right' : 'center'
    context.fillText(label, x, height - 22)
  })
  context.textAlign = 'left'

  // The scale bar: at most 120 px, at the map's centre latitude.
  const metres = scaleBarMetres(120 * metresPerPixel(map.getCenter().lat, map.getZoom()))
  const barPixels = metres / metresPerPixel(map.getCenter().lat, map.getZoom())
  const label = metres >= 1000 ? `${metres / 1000} km` : `${metres} m`
  box(width - barPixels - 44, height - 50, barPixels + 32, 38)
  context.fillStyle = '#0f172a'
  context.fillRect(width - barPixels - 28, height - 24, barPixels, 4)
  context.fillRect(width - barPixels - 28, height - 30, 2, 10)
  context.fillRect(width - 30, height - 30, 2, 10)
  context.font = `11px ${font}`
  context.fillText(label, width - barPixels - 28, height - 34)

  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error('the map image could not be encoded'))),
      'image/png',
    ),
  )
}
