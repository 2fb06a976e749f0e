import { type Component, Match, Show, Switch } from 'solid-js'
import type { Analysis } from '../analysis/analysis.ts'
import '../analysis.css'
import { CoveragePanel } from './coverage-panel.tsx'
import { DeskPanel } from './desk-panel.tsx'
import { HotspotPanel } from './hotspot-panel.tsx'
import { StationPanel } from './station-panel.tsx'
import { TimeSlider } from './time-slider.tsx'

/** The side panel and the time slider of the analysis modes (nothing in the map mode). */
export const AnalysisPanels: Component<{ analysis: Analysis }> = (props) => (
  <Show when={props.analysis.mode() !== 'map'}>
    <Switch>
      <Match when={props.analysis.mode() === 'coverage'}>
        <CoveragePanel analysis={props.analysis} />
      </Match>
      <Match when={props.analysis.mode() === 'hotspots'}>
        <HotspotPanel analysis={props.analysis} />
      </Match>
      <Match when={props.analysis.mode() === 'station'}>
        <StationPanel station={props.analysis.station} />
      </Match>
      <Match when={props.analysis.mode() === 'desk'}>
        <DeskPanel analysis={props.analysis} />
      </Match>
    </Switch>
    <TimeSlider
      time={props.analysis.time}
      withTracks={props.analysis.mode() === 'coverage' || props.analysis.mode() === 'hotspots'}
      showTracks={props.analysis.showTracks()}
      onShowTracks={props.analysis.setShowTracks}
      tracks={props.analysis.tracks()}
      tracksLoading={props.analysis.tracksLoading()}
      tracksError={props.analysis.tracksError()}
    />
  </Show>
)
