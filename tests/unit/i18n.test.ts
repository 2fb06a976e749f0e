import { afterEach, describe, expect, it } from 'vitest'
import { en } from '../../client/i18n/en.ts'
import { formatNumber, setLocale, t } from '../../client/i18n/index.ts'

// Messages with numbers: the word agrees with the number in English; Chinese has no plural forms.

describe('messages with counts', () => {
  afterEach(() => setLocale('en'))

  it('says "1 incident" and "2 incidents", also for numbers as formatNumber writes them', () => {
    setLocale('en')
    expect(t('incident.summary', { count: 1, open: 0 })).toBe('1 incident · 0 open')
    expect(t('incident.summary', { count: 2, open: 1 })).toBe('2 incidents · 1 open')
    expect(t('incident.summary', { count: 0, open: 0 })).toBe('0 incidents · 0 open')
    expect(t('incident.summary', { count: formatNumber(1234), open: 5 })).toBe('1,234 incidents · 5 open')
    expect(t('hs.summary', { incidents: 1, hot: 1, cold: 3 })).toBe('1 incident · 1 hot cell · 3 cold cells')
  })

  it('leaves Chinese messages as they are', () => {
    setLocale('zh-CN')
    expect(t('incident.summary', { count: 1, open: 0 })).not.toMatch(/[|{}]/)
  })

  it('writes every plural choice with a name and two forms', () => {
    for (const [key, text] of Object.entries(en)) {
      for (const [choice] of text.matchAll(/\{[^}]*\|[^}]*\}/g)) {
        expect(choice, key).toMatch(/^\{\w+\|[^|}]+\|[^|}]+\}$/)
      }
    }
  })
})
