import { describe, expect, it } from 'vitest'
import { words } from '../../i18n/translate.js'
import { type PolicyDoc, describeRule, diffPolicies, leaves, rulesOf } from './policy-words.js'

/** Every rule off, as the API gives a new community's version 1. */
const OFF: PolicyDoc = {
  storageCap: { HOUR: null, POINT: null },
  minLifetimeHoursToRedeem: null,
  redemptionFrequency: null,
  gifting: { recipients: 'anyone', assets: ['HOUR', 'POINT'] },
  donations: true,
  serviceAge: null,
  poolFundedServices: null,
  groupHoursDonateOnly: false,
  welcomeGrant: {},
  maxHoursPerActivity: null,
  pointsExpiry: null,
}

const en = words('en')
const zh = words('zh-CN')

describe('a policy in words', () => {
  it('says each rule in both languages, with exact figures', () => {
    const caps = { HOUR: { limit: '1500', excess: 'donate' as const }, POINT: null }
    expect(describeRule(en, 'storageCap', caps)).toBe(
      'At most 1,500 h per member; above that, the excess goes to the community pool; No cap on points',
    )
    expect(describeRule(zh, 'storageCap', caps)).toBe('每人最多存 1,500 小时，超出部分转入社区公益池；积分不设存储上限')
    expect(describeRule(en, 'redemptionFrequency', { times: 1, per: 'quarter' })).toBe('At most 1 redemption(s) per quarter')
    expect(describeRule(zh, 'minLifetimeHoursToRedeem', '100')).toBe('累计服务满 100 小时后才能首次兑换')
    expect(describeRule(en, 'gifting', { recipients: 'direct-relatives', assets: ['HOUR'] })).toBe(
      'Gifts may go to the spouse and direct relatives, of hours',
    )
    expect(describeRule(en, 'welcomeGrant', { POINT: '5' })).toBe('New members receive 5 points')
    expect(describeRule(en, 'pointsExpiry', { months: 12, group: 'month' })).toBe(
      'Points expire 12 months after the month they were credited in',
    )
    expect(describeRule(en, 'donations', false)).toBe('Members may not donate to the community pool')
  })

  it('says every rule of the policy off when it is off, and lists a rule it does not know as JSON', () => {
    for (const rule of rulesOf(OFF)) expect(describeRule(en, rule, OFF[rule as keyof PolicyDoc])).not.toBe('')
    expect(rulesOf({ ...OFF, futureRule: { x: 1 } }).at(-1)).toBe('futureRule')
    expect(describeRule(en, 'futureRule', { x: 1 })).toBe('{"x":1}')
  })
})

describe('the difference between two versions', () => {
  it('names a changed cap with its old and new limit, and nothing that stayed', () => {
    const v2 = { ...OFF, storageCap: { HOUR: { limit: '1500', excess: 'refuse' as const }, POINT: null } }
    const v3 = { ...OFF, storageCap: { HOUR: { limit: '1000', excess: 'refuse' as const }, POINT: null } }
    expect(diffPolicies(v2, v3)).toEqual([
      { rule: 'storageCap', kind: 'changed', leaves: [{ path: 'HOUR.limit', from: '1500', to: '1000' }] },
    ])
  })

  it('tells a rule switched on from one switched off, and keeps the order of the rules', () => {
    const on = { ...OFF, maxHoursPerActivity: '2', welcomeGrant: { POINT: '5' }, donations: false }
    expect(diffPolicies(OFF, on)).toEqual([
      { rule: 'donations', kind: 'changed', leaves: [{ path: '', from: 'true', to: 'false' }] },
      { rule: 'welcomeGrant', kind: 'added', leaves: [{ path: 'POINT', from: null, to: '5' }] },
      { rule: 'maxHoursPerActivity', kind: 'added', leaves: [{ path: '', from: null, to: '2' }] },
    ])
    expect(diffPolicies(on, OFF).map((c) => c.kind)).toEqual(['changed', 'removed', 'removed'])
    expect(diffPolicies(OFF, OFF)).toEqual([])
  })

  it('treats a list as one value', () => {
    expect(leaves({ recipients: 'anyone', assets: ['HOUR'] })).toEqual(
      new Map([
        ['recipients', 'anyone'],
        ['assets', '["HOUR"]'],
      ]),
    )
  })
})
