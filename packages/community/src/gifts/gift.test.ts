import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { activeMembers, posted } from '../testing/members.js'
import { type TestCommunity, pgliteCommunity } from '../testing/pglite.js'

let t: TestCommunity
let n = 0
const uid = (p: string) => `${p}-${++n}`

beforeAll(async () => {
  t = await pgliteCommunity()
})
afterAll(() => t?.close())

/** Two fresh active members, the giver holding 10 h and 50 points. */
async function pair() {
  const [giver, receiver] = [uid('ana'), uid('ben')]
  await activeMembers(t, [giver, receiver])
  await t.ledger.earn({
    tenantId: t.tenantId,
    id: uid('e'),
    to: `member:${giver}:HOUR`,
    amount: '10',
    evidence: { activity: 'test', reviewer: 'staff' },
  })
  await t.ledger.earn({
    tenantId: t.tenantId,
    id: uid('e'),
    to: `member:${giver}:POINT`,
    amount: '50',
    evidence: { activity: 'test', reviewer: 'staff' },
  })
  return { giver, receiver }
}

const policy = (p: object, reason = 'test') => t.community.changePolicy({ tenantId: t.tenantId, policy: p, actor: 'key_admin', reason })

describe('gifting', () => {
  it('moves hours to another member once, however often it is sent, and refuses another gift under the same id', async () => {
    await policy({})
    const { giver, receiver } = await pair()
    const input = { tenantId: t.tenantId, id: uid('g'), from: giver, to: receiver, asset: 'HOUR' as const, amount: '2.5', actor: 'key_ana' }
    const first = await t.community.gift(input)
    expect(first).toMatchObject({ replayed: false, transfer: { id: `gift:${input.id}`, amount: '2.50', metadata: { actor: 'key_ana' } } })
    expect((await t.community.gift(input)).replayed).toBe(true)
    expect(await posted(t, giver, 'HOUR')).toBe('7.50')
    expect(await posted(t, receiver, 'HOUR')).toBe('2.50')
    await expect(t.community.gift({ ...input, amount: '3' })).rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' })
  })

  it('refuses more decimals than the asset has, a gift to oneself and an inactive recipient, changing nothing', async () => {
    await policy({})
    const { giver, receiver } = await pair()
    const base = { tenantId: t.tenantId, from: giver, to: receiver, actor: 'a' }
    await expect(t.community.gift({ ...base, id: uid('g'), asset: 'HOUR', amount: '1.005' })).rejects.toMatchObject({
      code: 'INVALID_AMOUNT',
    })
    await expect(t.community.gift({ ...base, id: uid('g'), asset: 'POINT', amount: '1.5' })).rejects.toMatchObject({
      code: 'INVALID_AMOUNT',
    })
    await expect(t.community.gift({ ...base, id: uid('g'), to: giver, asset: 'POINT', amount: '1' })).rejects.toMatchObject({
      code: 'VALIDATION',
    })
    await expect(t.community.gift({ ...base, id: uid('g'), to: 'nobody', asset: 'POINT', amount: '1' })).rejects.toMatchObject({
      code: 'MEMBER_NOT_FOUND',
    })
    expect(await posted(t, giver, 'HOUR')).toBe('10.00')
    expect(await posted(t, giver, 'POINT')).toBe('50')
  })

  it('follows who may receive: direct relatives only refuses a friend, naming the rule and the version, and allows the spouse', async () => {
    const { giver, receiver } = await pair()
    const spouse = uid('sue')
    await activeMembers(t, [spouse])
    await t.community.addRelative({ tenantId: t.tenantId, memberId: giver, relativeId: spouse, relation: 'spouse' })
    const v = await policy({ gifting: { recipients: 'direct-relatives' } }, 'Beijing: gifts only to direct relatives')
    const base = { tenantId: t.tenantId, from: giver, asset: 'HOUR' as const, amount: '1', actor: 'a' }
    await expect(t.community.gift({ ...base, id: uid('g'), to: receiver })).rejects.toMatchObject({
      code: 'POLICY_VIOLATION',
      details: { rule: 'gifting', policyVersion: v.version, recipients: 'direct-relatives' },
    })
    await t.community.gift({ ...base, id: uid('g'), to: spouse })
    expect(await posted(t, spouse, 'HOUR')).toBe('1.00')
    expect(await posted(t, receiver, 'HOUR')).toBe('0.00')
  })

  it('answers a gift made before the policy narrowed as made, though the policy now refuses it', async () => {
    await policy({})
    const { giver, receiver } = await pair()
    const input = { tenantId: t.tenantId, id: uid('g'), from: giver, to: receiver, asset: 'POINT' as const, amount: '5', actor: 'a' }
    await t.community.gift(input)
    await policy({ gifting: { recipients: 'none' } })
    expect(await t.community.gift(input)).toMatchObject({ replayed: true })
    await expect(t.community.gift({ ...input, id: uid('g') })).rejects.toMatchObject({ details: { rule: 'gifting' } })
    expect(await posted(t, receiver, 'POINT')).toBe('5')
  })

  it('keeps gifts of an asset the policy does not let be gifted, and gifts above the recipient cap', async () => {
    const { giver, receiver } = await pair()
    await policy({ gifting: { assets: ['POINT'] }, storageCap: { POINT: { limit: '20' } } })
    const base = { tenantId: t.tenantId, from: giver, to: receiver, actor: 'a' }
    await expect(t.community.gift({ ...base, id: uid('g'), asset: 'HOUR', amount: '1' })).rejects.toMatchObject({
      details: { rule: 'gifting' },
    })
    await t.community.gift({ ...base, id: uid('g'), asset: 'POINT', amount: '20' })
    await expect(t.community.gift({ ...base, id: uid('g'), asset: 'POINT', amount: '1' })).rejects.toMatchObject({
      details: { rule: 'storageCap', limit: '20' },
    })
    expect(await posted(t, receiver, 'POINT')).toBe('20')
  })
})

describe('donating', () => {
  it('moves a member’s hours to the community pool, unless donations are off', async () => {
    await policy({})
    const { giver } = await pair()
    const pool = async () => (await t.ledger.getBalance({ tenantId: t.tenantId, accountId: 'pool:HOUR' })).posted
    const before = await pool()
    await t.community.donate({ tenantId: t.tenantId, id: uid('d'), from: { memberId: giver }, asset: 'HOUR', amount: '1.25', actor: 'a' })
    expect(Number(await pool()) - Number(before)).toBeCloseTo(1.25)
    await policy({ donations: false })
    await expect(
      t.community.donate({ tenantId: t.tenantId, id: uid('d'), from: { memberId: giver }, asset: 'HOUR', amount: '1', actor: 'a' }),
    ).rejects.toMatchObject({ code: 'POLICY_VIOLATION', details: { rule: 'donations' } })
    expect(await posted(t, giver, 'HOUR')).toBe('8.75')
  })
})

describe('plain ledger moves judged as what they are', () => {
  it('refuses an organisation gifting its hours when group hours may only be donated, and lets it donate them', async () => {
    const org = uid('team')
    await t.community.createOrganisation({ tenantId: t.tenantId, id: org, name: 'Team', kind: 'team', actor: 'a' })
    const [member] = [uid('cat')]
    await activeMembers(t, [member])
    await policy({ groupHoursDonateOnly: true })
    const check = (to: string) => t.community.checkMovement({ tenantId: t.tenantId, from: `org:${org}:HOUR`, to, amount: '1' })
    await expect(check(`member:${member}:HOUR`)).rejects.toMatchObject({ details: { rule: 'groupHoursDonateOnly' } })
    await expect(check('pool:HOUR')).resolves.toBeUndefined()
  })

  it('judges concurrent member transfers under a relatives-only rule each by its own pair, and a link removed at once by its absence', async () => {
    const people = Array.from({ length: 8 }, () => uid('kin'))
    await activeMembers(t, people)
    // 0-1 and 2-3 married; 4, 5, 6, 7 linked to nobody.
    for (const [a, b] of [
      [0, 1],
      [2, 3],
    ] as const) {
      await t.community.addRelative({
        tenantId: t.tenantId,
        memberId: people[a] as string,
        relativeId: people[b] as string,
        relation: 'spouse',
      })
    }
    await policy({ gifting: { recipients: 'relatives' } })
    const move = (a: number, b: number) =>
      t.community.checkMovement({ tenantId: t.tenantId, from: `member:${people[a]}:POINT`, to: `member:${people[b]}:POINT`, amount: '1' })
    const pairs = [
      [0, 1],
      [1, 0],
      [0, 2],
      [3, 2],
      [4, 5],
      [2, 3],
      [6, 1],
      [1, 3],
    ] as const
    const linked = (a: number, b: number) => (a < 2 && b < 2) || (a >= 2 && a < 4 && b >= 2 && b < 4)
    const outcomes = await Promise.allSettled(pairs.map(([a, b]) => move(a, b)))
    expect(outcomes.map((o) => o.status)).toEqual(pairs.map(([a, b]) => (linked(a, b) ? 'fulfilled' : 'rejected')))
    for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toMatchObject({ details: { rule: 'gifting' } })
    await t.community.removeRelative({ tenantId: t.tenantId, memberId: people[0] as string, relativeId: people[1] as string })
    await expect(move(0, 1)).rejects.toMatchObject({ details: { rule: 'gifting', recipients: 'relatives' } })
    await expect(move(2, 3)).resolves.toBeUndefined()
  })

  it('judges a member’s redeem by the lifetime-hours minimum, and their own accounts’ moves not at all', async () => {
    const [member] = [uid('dan')]
    await activeMembers(t, [member])
    await t.ledger.openAccount({
      tenantId: t.tenantId,
      id: uid('shop'),
      asset: 'POINT',
      owner: { type: 'organisation', id: 'shop' },
      kind: 'redemption',
    })
    const shop = `shop-${n}`
    await policy({ minLifetimeHoursToRedeem: '100' })
    await expect(
      t.community.checkMovement({ tenantId: t.tenantId, from: `member:${member}:POINT`, to: shop, amount: '1' }),
    ).rejects.toMatchObject({
      details: { rule: 'minLifetimeHoursToRedeem', required: '100' },
    })
    await t.ledger.earn({
      tenantId: t.tenantId,
      id: uid('life'),
      to: `member:${member}:LIFETIME_HOUR`,
      amount: '100',
      evidence: { activity: 'test', reviewer: 'staff' },
    })
    await expect(
      t.community.checkMovement({ tenantId: t.tenantId, from: `member:${member}:POINT`, to: shop, amount: '1' }),
    ).resolves.toBeUndefined()
  })
})
