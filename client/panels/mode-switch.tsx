import { type Component, For } from 'solid-js'
import { type AnalysisMode, analysisModes } from '../analysis/url-params.ts'
import { t } from '../i18n/index.ts'

export interface ModeSwitchProps {
  mode: AnalysisMode
  onChange: (mode: AnalysisMode) => void
}

/** Map / Coverage / Hotspots: three tabs in the header (the mode is kept in the URL as `mode`). */
export const ModeSwitch: Component<ModeSwitchProps> = (props) => (
  <div class="mode-switch" role="tablist" aria-label={t('mode.label')}>
    <For each={analysisModes}>
      {(mode) => (
        <button
          type="button"
          role="tab"
          aria-selected={props.mode === mode}
          classList={{ active: props.mode === mode }}
          data-mode={mode}
          onClick={() => props.onChange(mode)}
        >
          {t(`mode.${mode}`)}
        </button>
      )}
    </For>
  </div>
)
