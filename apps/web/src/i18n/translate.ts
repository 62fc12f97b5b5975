/**
 * Words and figures for one reader: `t` looks a key up in the catalogue and fills `{name}` slots;
 * the formatters write dates in the community's time zone and exact decimal amounts with the
 * locale's grouping, never through a float.
 */
import { CATALOGUE, type Locale, type MessageKey } from './catalogue.js'

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string

export interface Words {
  locale: Locale
  t: Translate
  /** An exact decimal string ("1234.50") with the locale's digit grouping ("1,234.50"). */
  amount: (value: string) => string
  /** A whole number with grouping. */
  count: (value: number) => string
  /** Date and time in the time zone (the community's). */
  dateTime: (value: string | Date) => string
  /** The date alone. */
  date: (value: string | Date) => string
}

const SLOT = /\{(\w+)\}/g

export function words(locale: Locale, timeZone = 'Asia/Shanghai'): Words {
  const table = CATALOGUE[locale]
  const t: Translate = (key, vars) =>
    vars ? table[key].replace(SLOT, (whole, name: string) => (name in vars ? String(vars[name]) : whole)) : table[key]
  const grouping = new Intl.NumberFormat(locale, { useGrouping: true, maximumFractionDigits: 0 })
  const dateTimeFormat = new Intl.DateTimeFormat(locale, { timeZone, dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23' })
  const dateFormat = new Intl.DateTimeFormat(locale, { timeZone, dateStyle: 'medium' })
  const toDate = (value: string | Date) => (typeof value === 'string' ? new Date(value) : value)
  return {
    locale,
    t,
    amount(value) {
      const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value)
      if (!match) return value
      const [, sign, whole, fraction] = match
      // BigInt keeps every digit: a float would round a long amount.
      const grouped = grouping.format(BigInt(whole as string))
      return `${sign}${grouped}${fraction ? `.${fraction}` : ''}`
    },
    count: (value) => grouping.format(value),
    dateTime: (value) => dateTimeFormat.format(toDate(value)),
    date: (value) => dateFormat.format(toDate(value)),
  }
}
