/**
 * The one message catalogue: every string a page shows, in Simplified Chinese (the default) and
 * English. Each area of the product keeps its messages in a file of its own (common, staff,
 * resident), merged here; the English table must have every key of the Chinese one, so a missing
 * translation is a type error, not a blank on the page.
 */
import { common } from './messages/common.js'
import { gaps } from './messages/gaps.js'
import { resident } from './messages/resident.js'
import { staffCore } from './messages/staff-core.js'
import { staffMore } from './messages/staff-more.js'

const zh = {
  ...common.zh,
  ...staffCore.zh,
  ...resident.zh,
  ...staffMore.zh,
  ...gaps.zh,
} as const

export type MessageKey = keyof typeof zh

const en: Record<MessageKey, string> = {
  ...common.en,
  ...staffCore.en,
  ...resident.en,
  ...staffMore.en,
  ...gaps.en,
}

export const LOCALES = ['zh-CN', 'en'] as const
export type Locale = (typeof LOCALES)[number]
export const DEFAULT_LOCALE: Locale = 'zh-CN'

export const CATALOGUE: Record<Locale, Record<MessageKey, string>> = { 'zh-CN': zh, en }

/** A locale from a cookie or query value; the default for anything else. */
export function localeFrom(value: string | undefined | null): Locale {
  return (LOCALES as readonly string[]).includes(value ?? '') ? (value as Locale) : DEFAULT_LOCALE
}
