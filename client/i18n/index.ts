import { createSignal } from 'solid-js'
import { en, type MessageKey, type Messages } from './en.ts'
import { zhCN } from './zh-CN.ts'

export type { MessageKey } from './en.ts'

export type Locale = 'zh-CN' | 'en'
export const locales: readonly Locale[] = ['zh-CN', 'en']

const dictionaries: Record<Locale, Messages> = { 'zh-CN': zhCN, en }

/** Where the chosen language is remembered between visits. */
export const localeStorageKey = 'shanshui.locale'

const isLocale = (value: unknown): value is Locale => locales.includes(value as Locale)

/** The remembered choice if any, else the browser's languages: any Chinese → zh-CN, otherwise English. */
export function detectLocale(stored: string | null, languages: readonly string[]): Locale {
  if (isLocale(stored)) return stored
  for (const language of languages) {
    const tag = language.toLowerCase()
    if (tag.startsWith('zh')) return 'zh-CN'
    if (tag.startsWith('en')) return 'en'
  }
  return 'en'
}

function readStoredLocale(): string | null {
  try {
    return localStorage.getItem(localeStorageKey)
  } catch {
    return null
  }
}

const [locale, setLocaleSignal] = createSignal<Locale>(
  detectLocale(readStoredLocale(), typeof navigator === 'undefined' ? [] : navigator.languages),
)

export { locale }

/** Switches the UI language and remembers the choice. */
export function setLocale(next: Locale): void {
  setLocaleSignal(next)
  try {
    localStorage.setItem(localeStorageKey, next)
  } catch {
    // Private mode or storage disabled: the choice lasts for this page only.
  }
}

/**
 * The message `key` in the current language with `{name}` placeholders filled in; reactive.
 * `{name|one|other}` is a word that agrees with the number `name` ("{count} {count|place|places}"):
 * `one` where the language's plural rules say so for it, else `other`. Chinese needs none.
 */
export function t(key: MessageKey, vars?: Record<string, string | number>): string {
  const text = dictionaries[locale()][key] ?? en[key] ?? key
  if (!vars) return text
  return text
    .replace(/\{(\w+)\|([^|}]*)\|([^}]*)\}/g, (whole, name: string, one: string, other: string) =>
      name in vars ? (pluralOf(vars[name] as string | number) === 'one' ? one : other) : whole,
    )
    .replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole))
}

const pluralRules = new Map<Locale, Intl.PluralRules>()

/** The plural category of a number, given as a number or as formatNumber wrote it. */
function pluralOf(value: string | number): Intl.LDMLPluralRule {
  const number = typeof value === 'number' ? value : Number(value.replace(/[^\d.-]/g, ''))
  const rules = pluralRules.get(locale()) ?? new Intl.PluralRules(locale())
  pluralRules.set(locale(), rules)
  return rules.select(number)
}

/** Whether the dictionary has `key` (for ids that come from data, such as agencies). */
export const hasMessage = (key: string): key is MessageKey => key in en

/** A feature's name in the current language, falling back to the other one. */
export function localName(props: { name_zh?: string | null; name_en?: string | null }): string {
  const zh = props.name_zh ?? ''
  const english = props.name_en ?? ''
  return locale() === 'zh-CN' ? zh || english : english || zh
}

/** A number formatted for the current language. */
export function formatNumber(value: number, fractionDigits = 0): string {
  return new Intl.NumberFormat(locale(), {
    minimumFractionDigits: fractionDigits,
    maximumFractionDigits: fractionDigits,
  }).format(value)
}

/** A list of words joined the way the current language does (、 in Chinese). */
export const joinList = (items: readonly string[]): string => items.join(t('tooltip.listSeparator'))
