import { type Map as MapLibreMap, Marker } from 'maplibre-gl'
import { type Component, createEffect, For, onCleanup, onMount } from 'solid-js'
import type { IncidentFeature } from '../incidents-api.ts'
import { categoryColors } from './incident-style.ts'

/**
 * HTML markers over the map for what moves: the glow of incidents that just changed (a CSS
 * animation, so deck.gl need not redraw every frame) and the pin of a report being written.
 */

const PulseMarker: Component<{ map: MapLibreMap; incident: IncidentFeature }> = (props) => {
  const element = document.createElement('div')
  element.className = 'incident-pulse'
  element.setAttribute('aria-hidden', 'true')
  let marker: Marker | undefined
  onMount(() => {
    marker = new Marker({ element }).setLngLat(props.incident.geometry.coordinates as [number, number])
    marker.addTo(props.map)
    onCleanup(() => marker?.remove())
  })
  createEffect(() => {
    element.dataset.highlightIncident = String(props.incident.properties.id)
    element.dataset.status = props.incident.properties.status
    element.style.setProperty('--c', categoryColors[props.incident.properties.category])
    marker?.setLngLat(props.incident.geometry.coordinates as [number, number])
  })
  return null
}

export interface HighlightMarkersProps {
  map: MapLibreMap
  /** Incident ids that glow, with the time they stop (ms). */
  highlights: ReadonlyMap<number, number>
  /** The incidents on the map by id: only those shown can glow. */
  incidents: ReadonlyMap<number, IncidentFeature>
}

export const HighlightMarkers: Component<HighlightMarkersProps> = (props) => {
  const glowing = () =>
    [...props.highlights.keys()].flatMap((id) => {
      const incident = props.incidents.get(id)
      return incident ? [incident] : []
    })
  return <For each={glowing()}>{(incident) => <PulseMarker map={props.map} incident={incident} />}</For>
}

/** The pin where a report is being written. */
export const ReportMarker: Component<{ map: MapLibreMap; position: [number, number] }> = (props) => {
  const element = document.createElement('div')
  element.className = 'incident-report-pin'
  element.dataset.testid = 'report-pin'
  element.setAttribute('aria-hidden', 'true')
  const marker = new Marker({ element, anchor: 'bottom' })
  onMount(() => {
    marker.setLngLat(props.position).addTo(props.map)
    onCleanup(() => marker.remove())
  })
  createEffect(() => marker.setLngLat(props.position))
  return null
}
