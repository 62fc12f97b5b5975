/**
 * A community policy in words, and what changed between two versions of it. Pure: the policy as the
 * API gives it (every rule present, off rules null or permissive) in, sentences and changes out.
 * The diff knows no rule's meaning: it compares the values under each rule leaf by leaf (a
 * `null` leaf counts as absent), so a rule the API adds later still shows up, as its JSON.
 *
 * @example
 * describeRule(words, 'storageCap', { HOUR: { limit: '1500', excess: 'donate' }, POINT: null })
 * // '每人最多存 1,500 小时，超出部分转入社区公益池；积分不设存储上限'
 * diffPolicies(v1, v2) // [{ rule: 'storageCap', kind: 'changed', leaves: [{ path: 'HOUR.limit', from: '1500', to: '1000' }] }]
 */
import type { Words } from '../../i18n/translate.js'

type Asset = 'HOUR' | 'POINT'
type Cap = { limit: string; excess: 'refuse' | 'donate' } | null

/** The policy as the API answers it. */
export interface PolicyDoc {
  storageCap: { HOUR: Cap; POINT: Cap }
  minLifetimeHoursToRedeem: string | null
  redemptionFrequency: { times: number; per: 'month' | 'quarter' | 'year' } | null
  gifting: { recipients: 'none' | 'anyone' | 'relatives' | 'direct-relatives'; assets: Asset[] }
  donations: boolean
  serviceAge: { minAge: number; spouseCounts: boolean } | null
  poolFundedServices: { minAge: number } | null
  groupHoursDonateOnly: boolean
  welcomeGrant: { HOUR?: string | undefined; POINT?: string | undefined }
  maxHoursPerActivity: string | null
  pointsExpiry: { months: number; group: 'day' | 'month' | 'year' } | null
}

/** The rules, in the order they are shown. */
export const RULES = [
  'storageCap',
  'minLifetimeHoursToRedeem',
  'redemptionFrequency',
  'gifting',
  'donations',
  'serviceAge',
  'poolFundedServices',
  'groupHoursDonateOnly',
  'welcomeGrant',
  'maxHoursPerActivity',
  'pointsExpiry',
] as const satisfies readonly (keyof PolicyDoc)[]
export type RuleName = (typeof RULES)[number]

const isRule = (name: string): name is RuleName => (RULES as readonly string[]).includes(name)

/** A rule's name for people; an unknown rule's key as it is. */
export function ruleTitle(words: Words, rule: string): string {
  return isRule(rule) ? words.t(`console.policy.rule.${rule}`) : rule
}

const amountOf = (words: Words, asset: Asset, value: string) => `${words.amount(value)} ${words.t(`console.policy.unit.${asset}`)}`

/** One rule of the policy, as a sentence. */
export function describeRule(words: Words, rule: string, value: unknown): string {
  const { t } = words
  if (!isRule(rule)) return JSON.stringify(value) ?? ''
  switch (rule) {
    case 'storageCap': {
      const caps = value as PolicyDoc['storageCap']
      return (['HOUR', 'POINT'] as const)
        .map((asset) => {
          const cap = caps[asset]
          return cap
            ? t('console.policy.storageCap.on', {
                amount: amountOf(words, asset, cap.limit),
                excess: t(`console.policy.excess.${cap.excess}`),
              })
            : t('console.policy.storageCap.off', { asset: t(`console.policy.asset.${asset}`) })
        })
        .join(t('console.policy.join'))
    }
    case 'minLifetimeHoursToRedeem': {
      const hours = value as PolicyDoc['minLifetimeHoursToRedeem']
      return hours === null ? t('console.policy.minLifetime.off') : t('console.policy.minLifetime.on', { hours: words.amount(hours) })
    }
    case 'redemptionFrequency': {
      const f = value as PolicyDoc['redemptionFrequency']
      return f === null
        ? t('console.policy.frequency.off')
        : t('console.policy.frequency.on', { times: words.count(f.times), per: t(`console.policy.per.${f.per}`) })
    }
    case 'gifting': {
      const g = value as PolicyDoc['gifting']
      if (g.recipients === 'none' || g.assets.length === 0) return t('console.policy.gifting.none')
      return t('console.policy.gifting.on', {
        recipients: t(`console.policy.recipients.${g.recipients}`),
        assets: g.assets.map((a) => t(`console.policy.asset.${a}`)).join(t('console.policy.and')),
      })
    }
    case 'donations':
      return t(value ? 'console.policy.donations.on' : 'console.policy.donations.off')
    case 'serviceAge': {
      const a = value as PolicyDoc['serviceAge']
      if (a === null) return t('console.policy.serviceAge.off')
      return t(a.spouseCounts ? 'console.policy.serviceAge.spouse' : 'console.policy.serviceAge.on', { age: a.minAge })
    }
    case 'poolFundedServices': {
      const p = value as PolicyDoc['poolFundedServices']
      return p === null ? t('console.policy.poolFunded.off') : t('console.policy.poolFunded.on', { age: p.minAge })
    }
    case 'groupHoursDonateOnly':
      return t(value ? 'console.policy.groupHours.on' : 'console.policy.groupHours.off')
    case 'welcomeGrant': {
      const g = value as PolicyDoc['welcomeGrant']
      const given = (['HOUR', 'POINT'] as const).filter((a) => g[a] !== undefined).map((a) => amountOf(words, a, g[a] as string))
      return given.length === 0
        ? t('console.policy.welcome.off')
        : t('console.policy.welcome.on', { grant: given.join(t('console.policy.and')) })
    }
    case 'maxHoursPerActivity': {
      const hours = value as PolicyDoc['maxHoursPerActivity']
      return hours === null ? t('console.policy.maxHours.off') : t('console.policy.maxHours.on', { hours: words.amount(hours) })
    }
    case 'pointsExpiry': {
      const e = value as PolicyDoc['pointsExpiry']
      return e === null
        ? t('console.policy.expiry.off')
        : t('console.policy.expiry.on', { months: e.months, group: t(`console.policy.group.${e.group}`) })
    }
  }
}

/** Every rule of a policy, known ones first in their order, then any other the API gave. */
export function rulesOf(policy: object): string[] {
  const keys = Object.keys(policy)
  return [...RULES.filter((r) => keys.includes(r)), ...keys.filter((k) => !isRule(k)).sort()]
}

/** A leaf's value as text: strings as written, anything else as JSON. */
const leafText = (value: unknown): string => (typeof value === 'string' ? value : (JSON.stringify(value) ?? ''))

/** The leaves under a value: "HOUR.limit" → "1500"; arrays are one leaf; null leaves are left out. */
export function leaves(value: unknown, prefix = ''): Map<string, string> {
  const found = new Map<string, string>()
  if (value === null || value === undefined) return found
  if (typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) {
      for (const [path, text] of leaves(inner, prefix ? `${prefix}.${key}` : key)) found.set(path, text)
    }
    return found
  }
  found.set(prefix, leafText(value))
  return found
}

export interface LeafChange {
  /** Where under the rule ("HOUR.limit"; "" for a rule that is one value). */
  path: string
  from: string | null
  to: string | null
}

export interface RuleChange {
  rule: string
  /** added: it had nothing set before; removed: nothing set now; changed: otherwise. */
  kind: 'added' | 'removed' | 'changed'
  leaves: LeafChange[]
}

/** What changed from one policy to another, rule by rule (rules that did not change are left out). */
export function diffPolicies(from: object, to: object): RuleChange[] {
  const rules = rulesOf({ ...from, ...to })
  const changes: RuleChange[] = []
  for (const rule of rules) {
    const before = leaves((from as Record<string, unknown>)[rule])
    const after = leaves((to as Record<string, unknown>)[rule])
    const paths = [...new Set([...before.keys(), ...after.keys()])].sort()
    const changed = paths
      .filter((p) => before.get(p) !== after.get(p))
      .map((path) => ({ path, from: before.get(path) ?? null, to: after.get(path) ?? null }))
    if (changed.length === 0) continue
    const kind = before.size === 0 ? 'added' : after.size === 0 ? 'removed' : 'changed'
    changes.push({ rule, kind, leaves: changed })
  }
  return changes
}
