/** Turns a set of grid cells into a smooth, simple polygon ring (for forest zones). */
import type { Grid } from './geography.ts'
import { chaikin, type LonLat } from './geometry.ts'

/**
 * The outline of the largest 4-connected component of `cells`, holes filled, smoothed; null when
 * nothing is left. With the holes filled (background taken 4-connected) the boundary has no pinch
 * points, so the traced ring is simple.
 */
export function outlineOfCells(grid: Grid, cells: readonly number[], smoothing = 2): LonLat[] | null {
  if (cells.length === 0) return null
  let c0 = Number.POSITIVE_INFINITY
  let r0 = Number.POSITIVE_INFINITY
  let c1 = -1
  let r1 = -1
  for (const i of cells) {
    const r = Math.floor(i / grid.nx)
    const c = i - r * grid.nx
    c0 = Math.min(c0, c)
    r0 = Math.min(r0, r)
    c1 = Math.max(c1, c)
    r1 = Math.max(r1, r)
  }
  // Local mask with one cell of padding around.
  const w = c1 - c0 + 3
  const h = r1 - r0 + 3
  const mask = new Uint8Array(w * h)
  for (const i of cells) {
    const r = Math.floor(i / grid.nx)
    const c = i - r * grid.nx
    mask[(r - r0 + 1) * w + (c - c0 + 1)] = 1
  }
  // Largest 4-connected component.
  const label = new Int32Array(w * h).fill(-1)
  let best = -1
  let bestSize = 0
  const stack: number[] = []
  for (let k = 0; k < w * h; k++) {
    if (!mask[k] || label[k] >= 0) continue
    let size = 0
    label[k] = k
    stack.push(k)
    while (stack.length) {
      const q = stack.pop() as number
      size++
      for (const n of [q - 1, q + 1, q - w, q + w]) {
        if (mask[n] && label[n] < 0) {
          label[n] = k
          stack.push(n)
        }
      }
    }
    if (size > bestSize) {
      bestSize = size
      best = k
    }
  }
  for (let k = 0; k < w * h; k++) mask[k] = label[k] === best && best >= 0 ? 1 : 0
  // Fill holes: background not 4-connected to the padding becomes part of the region.
  const outside = new Uint8Array(w * h)
  for (let x = 0; x < w; x++) {
    stack.push(x, (h - 1) * w + x)
  }
  for (let y = 0; y < h; y++) {
    stack.push(y * w, y * w + w - 1)
  }
  while (stack.length) {
    const q = stack.pop() as number
    if (outside[q] || mask[q]) continue
    outside[q] = 1
    const x = q % w
    const y = (q - x) / w
    if (x > 0) stack.push(q - 1)
    if (x < w - 1) stack.push(q + 1)
    if (y > 0) stack.push(q - w)
    if (y < h - 1) stack.push(q + w)
  }
  for (let k = 0; k < w * h; k++) if (!outside[k]) mask[k] = 1
  // Directed boundary edges with the region on the left (counter-clockwise), keyed by start vertex.
  const vw = w + 1
  const next = new Map<number, number>()
  const at = (x: number, y: number) => mask[y * w + x] === 1
  let start = -1
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      if (!at(x, y)) continue
      if (!at(x, y - 1)) next.set(y * vw + x, y * vw + x + 1)
      if (!at(x + 1, y)) next.set(y * vw + x + 1, (y + 1) * vw + x + 1)
      if (!at(x, y + 1)) next.set((y + 1) * vw + x + 1, (y + 1) * vw + x)
      if (!at(x - 1, y)) next.set((y + 1) * vw + x, y * vw + x)
      if (start < 0) start = y * vw + x
    }
  if (start < 0) return null
  const verts: [number, number][] = []
  let v = start
  for (let guard = 0; guard <= next.size; guard++) {
    verts.push([v % vw, Math.floor(v / vw)])
    const n = next.get(v)
    if (n === undefined || n === start) break
    v = n
  }
  // Drop collinear vertices, then map to lon/lat.
  const corners = verts.filter((p, k) => {
    const a = verts[(k - 1 + verts.length) % verts.length]
    const b = verts[(k + 1) % verts.length]
    return (p[0] - a[0]) * (b[1] - p[1]) - (p[1] - a[1]) * (b[0] - p[0]) !== 0
  })
  if (corners.length < 4) return null
  const ring: LonLat[] = corners.map(([x, y]) => [
    grid.x0 + (c0 - 1 + x) * grid.cell,
    grid.y0 + (r0 - 1 + y) * grid.cell,
  ])
  ring.push(ring[0])
  return chaikin(ring, smoothing, true)
}
