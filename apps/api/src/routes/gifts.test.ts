/**
 * Policies, gifts and donations end to end: versions with author and reason, who may change and read them,
 * gifts and donations as the policy allows, and the plain ledger routes judged the same for member keys.
 *
 * @example
 * pnpm exec vitest run --project api src/routes/gifts.test.ts
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import '../testing/no-console.js'
import { type CommunityFixture, type FixtureMember, setUpCommunity } from '../testing/community-fixture.js'
import { type TestApi, startTestApi } from '../testing/harness.js'

let api: TestApi
let fx: CommunityFixture
let ana: FixtureMember
let bo: FixtureMember
let cy: FixtureMember

beforeAll(async () => {
  api = await startTestApi()
  fx = await setUpCommunity(api)
  ana = await fx.member({ gridId: 'g1' })
  bo = await fx.member({ gridId: 'g2' })
  cy = await fx.member({ gridId: 'g1' })
  for (const m of [ana, bo, cy]) {
    for (const [asset, amount] of [
      ['HOUR', '20'],
      ['POINT', '100'],
    ] as const) {
      await api.ledger.earn({
        tenantId: fx.tenantId,
        id: `seed-${m.id}-${asset}`,
        to: `member:${m.id}:${asset}`,
        amount,
        evidence: { activity: 'seed', reviewer: 'test' },
      })
    }
  }
})
afterAll(() => api.close())

const call = (method: string, path: string, key: string, json?: unknown) =>
  api.request(method, path, { key, ...(json === undefined ? {} : { json }) })
let n = 0
const uid = (p: string) => `${p}${++n}`
const setPolicy = async (policy: object, reason = 'test') => {
  const res = await call('POST', '/v1/community/policies', fx.admin, { policy, reason })
  expect(res.status, res.text).toBe(201)
  return res.body.version as number
}
const balance = async (accountId: string) => (await call('GET', `/v1/accounts/${accountId}/balance`, fx.admin)).body.posted as string

describe('policies', () => {
  it('keeps every version with author, reason and time; residents read the one in force; only admins change it', async () => {
    const version = await setPolicy({ storageCap: { HOUR: { limit: '1500', excess: 'donate' } } }, 'Nanjing rule')
    const current = await call('GET', '/v1/community/policy', ana.key)
    expect(current.status).toBe(200)
    expect(current.body).toMatchObject({
      version,
      reason: 'Nanjing rule',
      createdBy: fx.keyIds.admin,
      policy: { storageCap: { HOUR: { limit: '1500', excess: 'donate' }, POINT: null }, donations: true },
    })
    const list = await call('GET', '/v1/community/policies', fx.staff)
    expect(list.body.policies.map((p: { version: number }) => p.version).at(-1)).toBe(1)
    expect((await call('GET', '/v1/community/policies/1', fx.staff)).body.reason).toBe('every rule off')
    expect((await call('GET', '/v1/community/policies/999', fx.staff)).body.error.code).toBe('POLICY_NOT_FOUND')
    const staff = await call('POST', '/v1/community/policies', fx.staff, { policy: {} })
    expect([staff.status, staff.body.error.code]).toEqual([403, 'FORBIDDEN'])
    for (const policy of [
      { storageCap: { POINT: { limit: '1.5' } } },
      { minLifetimeHoursToRedeem: 'abc' },
      { storageCap: { HOUR: { limit: '' } } },
    ]) {
      const bad = await call('POST', '/v1/community/policies', fx.admin, { policy })
      expect([bad.status, bad.body.error.code]).toEqual([400, 'VALIDATION'])
    }
    expect((await call('GET', '/v1/community/policy', ana.key)).body.version).toBe(version)
  })
})

describe('gifts and donations', () => {
  it('lets a member gift its own hours, refuses gifting from another’s account, and replays by id', async () => {
    await setPolicy({})
    const id = uid('gift-')
    const res = await call('POST', '/v1/gifts', ana.key, { id, to: bo.id, asset: 'HOUR', amount: '1.5' })
    expect(res.status, res.text).toBe(201)
    expect(res.body.transfer).toMatchObject({ id: `gift:${id}`, from: `member:${ana.id}:HOUR`, to: `member:${bo.id}:HOUR`, amount: '1.50' })
    const again = await call('POST', '/v1/gifts', ana.key, { id, to: bo.id, asset: 'HOUR', amount: '1.5' })
    expect([again.status, again.headers.get('idempotency-replayed')]).toEqual([201, 'true'])
    const other = await call('POST', '/v1/gifts', ana.key, { id: uid('gift-'), from: cy.id, to: ana.id, asset: 'HOUR', amount: '1' })
    expect([other.status, other.body.error.code]).toEqual([404, 'MEMBER_NOT_FOUND'])
    // A grid leader of g1 may act for ana (in g1), not for bo (in g2).
    expect(
      (await call('POST', '/v1/gifts', fx.g1Staff, { id: uid('gift-'), from: ana.id, to: bo.id, asset: 'POINT', amount: '1' })).status,
    ).toBe(201)
    expect(
      (await call('POST', '/v1/gifts', fx.g1Staff, { id: uid('gift-'), from: bo.id, to: ana.id, asset: 'POINT', amount: '1' })).status,
    ).toBe(404)
  })

  it('refuses a gift the policy refuses with 422 POLICY_VIOLATION naming the rule and the version, changing nothing', async () => {
    const version = await setPolicy({ gifting: { recipients: 'relatives' } })
    const before = await balance(`member:${cy.id}:HOUR`)
    const res = await call('POST', '/v1/gifts', ana.key, { id: uid('gift-'), to: cy.id, asset: 'HOUR', amount: '1' })
    expect(res.status).toBe(422)
    expect(res.body.error).toMatchObject({ code: 'POLICY_VIOLATION', details: { rule: 'gifting', policyVersion: version } })
    expect(res.body.error.message).toContain(`policy version ${version}`)
    expect(await balance(`member:${cy.id}:HOUR`)).toBe(before)
  })

  it('does not let a member get round the gifting rules through the plain ledger routes', async () => {
    await setPolicy({ gifting: { recipients: 'none' }, donations: false })
    const transfer = await call('POST', '/v1/transfers', ana.key, {
      id: uid('t-'),
      from: `member:${ana.id}:POINT`,
      to: `member:${cy.id}:POINT`,
      amount: '1',
    })
    expect([transfer.status, transfer.body.error?.details?.rule]).toEqual([422, 'gifting'])
    const batch = await call('POST', '/v1/batches', ana.key, {
      operations: [
        { type: 'transfer', id: uid('b-'), from: `member:${ana.id}:POINT`, to: `member:${ana.id}:POINT`, amount: '1' },
        { type: 'transfer', id: uid('b-'), from: `member:${ana.id}:HOUR`, to: 'pool:HOUR', amount: '1' },
      ],
    })
    expect([batch.status, batch.body.error?.details?.rule]).toEqual([422, 'donations'])
    const donation = await call('POST', '/v1/donations', ana.key, { id: uid('d-'), asset: 'HOUR', amount: '1' })
    expect([donation.status, donation.body.error.details.rule]).toEqual([422, 'donations'])
    // Nor into the community's other accounts (a wish escrow), which only its workflows move.
    await setPolicy({})
    await api.ledger.openAccount({
      tenantId: fx.tenantId,
      id: 'escrow:wishes:POINT',
      asset: 'POINT',
      owner: { type: 'system', id: 'community' },
      kind: 'escrow',
    })
    const escrow = await call('POST', '/v1/transfers', ana.key, {
      id: uid('t-'),
      from: `member:${ana.id}:POINT`,
      to: 'escrow:wishes:POINT',
      amount: '1',
    })
    expect([escrow.status, escrow.body.error?.details?.rule]).toEqual([422, 'donations'])
    // Staff are not members: the policy binds members' own moves.
    const staff = await call('POST', '/v1/transfers', fx.admin, {
      id: uid('t-'),
      from: `member:${ana.id}:POINT`,
      to: `member:${cy.id}:POINT`,
      amount: '1',
    })
    expect(staff.status, staff.text).toBe(201)
  })

  it('refuses a member’s plain redeem before the lifetime-hours minimum, and under a frequency it cannot count', async () => {
    await call('POST', '/v1/accounts', fx.admin, {
      id: 'shop-sink',
      asset: 'POINT',
      owner: { type: 'organisation', id: 'shop' },
      kind: 'redemption',
    })
    await setPolicy({ minLifetimeHoursToRedeem: '100' })
    const res = await call('POST', '/v1/redemptions', ana.key, {
      id: uid('r-'),
      from: `member:${ana.id}:POINT`,
      to: 'shop-sink',
      amount: '1',
      item: { ref: 'rice' },
    })
    expect([res.status, res.body.error?.details?.rule]).toEqual([422, 'minLifetimeHoursToRedeem'])
    // Under a frequency rule a plain redeem cannot be counted: it is refused, pointing to the supermarket.
    const redeem = () =>
      call('POST', '/v1/redemptions', ana.key, {
        id: uid('r-'),
        from: `member:${ana.id}:POINT`,
        to: 'shop-sink',
        amount: '1',
        item: { ref: 'rice' },
      })
    await setPolicy({ redemptionFrequency: { times: 1, per: 'quarter' } })
    const counted = await redeem()
    expect([counted.status, counted.body.error?.details?.rule]).toEqual([422, 'redemptionFrequency'])
    await setPolicy({})
    const free = await redeem()
    expect(free.status, free.text).toBe(201)
  })

  it('takes donations from a member and from an organisation, which only unlimited staff and admins may give', async () => {
    await setPolicy({ groupHoursDonateOnly: true })
    const org = uid('team-')
    await api.community.createOrganisation({ tenantId: fx.tenantId, id: org, kind: 'team', name: 'Red vests', actor: 'test' })
    await api.ledger.earn({
      tenantId: fx.tenantId,
      id: uid('e-'),
      to: `org:${org}:HOUR`,
      amount: '5',
      evidence: { activity: 'seed', reviewer: 'test' },
    })
    const pool = await balance('pool:HOUR')
    expect((await call('POST', '/v1/donations', ana.key, { id: uid('d-'), asset: 'HOUR', amount: '1' })).status).toBe(201)
    const scoped = await call('POST', '/v1/donations', fx.g1Staff, {
      id: uid('d-'),
      from: { organisationId: org },
      asset: 'HOUR',
      amount: '2',
    })
    expect(scoped.status).toBe(403)
    expect(
      (await call('POST', '/v1/donations', fx.staff, { id: uid('d-'), from: { organisationId: org }, asset: 'HOUR', amount: '2' })).status,
    ).toBe(201)
    expect(Number(await balance('pool:HOUR')) - Number(pool)).toBe(3)
    const orgKey = await fx.key({ name: 'team key', role: 'member', owner: { type: 'organisation', id: org } })
    const gift = await call('POST', '/v1/transfers', orgKey.key, {
      id: uid('t-'),
      from: `org:${org}:HOUR`,
      to: `member:${ana.id}:HOUR`,
      amount: '1',
    })
    expect([gift.status, gift.body.error?.details?.rule]).toEqual([422, 'groupHoursDonateOnly'])
  })
})
