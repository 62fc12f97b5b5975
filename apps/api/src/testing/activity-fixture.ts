/**
 * A community for the activity, recognition, certificate and public route
 * tests: a tenant set up through the API, a grid tree, active members in it,
 * keys of every kind (including grid leaders limited to a subtree) and a
 * second community whose admin must see nothing of the first. Plus the steps
 * of the attendance flow over HTTP, and a clock moved forward with the
 * harness (the ledger's and the community's clocks together).
 *
 * Grids: `root` > `g1` > `g1a`, and `root` > `g2`. Members: ana (in g1, a
 * hostile name), bo (in g1a), cy (in g2).
 *
 * @example
 * const w = await seedActivityWorld(api)
 * const activity = await createActivity(w)
 * const record = await attend(w, activity.id, 'ana', 90)
 * await approve(w, [record.id])
 */
import type { RequestOptions, TestApi, TestResponse } from './harness.js'

/** Ana's name: markup, quotes and an ampersand, between Chinese characters, so escaping and masking both show. */
export const ANA_NAME = `张<script>alert("x")</script>'&明`
export const BO_NAME = '李小四'
export const CY_NAME = '王小五'

export type MemberName = 'ana' | 'bo' | 'cy'

export interface ActivityWorld {
  api: TestApi
  tenantId: string
  /** Secrets: admin, unlimited staff, the leader of g1 (limited to g1's subtree), the leader of g2, and member keys. */
  keys: { admin: string; staff: string; leader: string; outsider: string; ana: string; bo: string; cy: string }
  keyIds: { admin: string; staff: string; leader: string; outsider: string; ana: string; bo: string; cy: string }
  /** Admin key of another community. */
  otherAdmin: string
  otherTenantId: string
  /** The community's publicBaseUrl. */
  baseUrl: string
  now(): Date
  /** Move the ledger's and the community's clocks forward. */
  advance(ms: number): void
}

const offsets = new WeakMap<TestApi, number>()
let seq = 0

/** A fresh id with a prefix, unique in the process. */
export const uid = (prefix: string) => `${prefix}${++seq}`

/** A request that must answer `status`; its body. */
export async function must(api: TestApi, method: string, path: string, options: RequestOptions, status = 200) {
  const res: TestResponse = await api.request(method, path, options)
  if (res.status !== status) throw new Error(`${method} ${path} answered ${res.status}, not ${status}: ${res.text}`)
  return res.body
}

async function tenantWithCommunity(api: TestApi, tenantId: string, baseUrl: string) {
  const created = await must(api, 'POST', '/v1/tenants', { key: api.operatorKey, json: { id: tenantId, name: `社区 ${tenantId}` } }, 201)
  const admin = created.adminKey
  await must(api, 'PUT', '/v1/community', {
    key: admin.secret,
    json: { name: `社区 ${tenantId}`, settings: { timeZone: 'Asia/Shanghai', publicBaseUrl: baseUrl } },
  })
  return { secret: admin.secret as string, id: admin.key.id as string }
}

export async function seedActivityWorld(api: TestApi, tenantId = uid('act')): Promise<ActivityWorld> {
  const baseUrl = 'https://tb.example'
  const admin = await tenantWithCommunity(api, tenantId, baseUrl)
  const other = await tenantWithCommunity(api, `${tenantId}-other`, baseUrl)
  const grid = (id: string, parentId: string | null, level: 'community' | 'grid' | 'subgrid') =>
    api.community.createGrid({ tenantId, id, parentId, name: `网格 ${id}`, level, actor: 'test' })
  await grid('root', null, 'community')
  await grid('g1', 'root', 'grid')
  await grid('g1a', 'g1', 'subgrid')
  await grid('g2', 'root', 'grid')
  const member = (id: string, name: string, gridId: string) =>
    api.community.registerMember({ tenantId, id, name, phone: '13812341234', gridId, approve: true, actor: 'test' })
  await member('ana', ANA_NAME, 'g1')
  await member('bo', BO_NAME, 'g1a')
  await member('cy', CY_NAME, 'g2')
  const key = async (json: unknown) => {
    const made = await must(api, 'POST', '/v1/keys', { key: admin.secret, json }, 201)
    return { secret: made.secret as string, id: made.key.id as string }
  }
  const staff = await key({ name: 'staff', role: 'staff' })
  const leader = await key({ name: 'leader of g1', role: 'staff', gridId: 'g1' })
  const outsider = await key({ name: 'leader of g2', role: 'staff', gridId: 'g2' })
  const ana = await key({ name: 'ana', role: 'member', owner: { type: 'member', id: 'ana' } })
  const bo = await key({ name: 'bo', role: 'member', owner: { type: 'member', id: 'bo' } })
  const cy = await key({ name: 'cy', role: 'member', owner: { type: 'member', id: 'cy' } })
  return {
    api,
    tenantId,
    keys: {
      admin: admin.secret,
      staff: staff.secret,
      leader: leader.secret,
      outsider: outsider.secret,
      ana: ana.secret,
      bo: bo.secret,
      cy: cy.secret,
    },
    keyIds: { admin: admin.id, staff: staff.id, leader: leader.id, outsider: outsider.id, ana: ana.id, bo: bo.id, cy: cy.id },
    otherAdmin: other.secret,
    otherTenantId: `${tenantId}-other`,
    baseUrl,
    now: () => new Date(Date.now() + (offsets.get(api) ?? 0)),
    advance(ms) {
      offsets.set(api, (offsets.get(api) ?? 0) + ms)
      api.advanceClock(ms)
    },
  }
}

export interface ActivityShape {
  id: string
  gridId: string
  title: string
}

/** An open activity in `gridId` (g1 by default) starting now and lasting two hours, created by the admin. */
export async function createActivity(
  w: ActivityWorld,
  overrides: { id?: string; gridId?: string; title?: string; capacity?: number } = {},
): Promise<ActivityShape> {
  const startsAt = w.now()
  const body = {
    id: overrides.id ?? uid('act-'),
    title: overrides.title ?? '楼道清扫 Clean-up',
    kind: 'clean-up',
    place: '3号楼 Block 3',
    gridId: overrides.gridId ?? 'g1',
    startsAt: startsAt.toISOString(),
    endsAt: new Date(startsAt.getTime() + 2 * 3600_000).toISOString(),
    capacity: overrides.capacity ?? 10,
    maxHours: '2',
  }
  const made = await must(w.api, 'POST', '/v1/activities', { key: w.keys.admin, json: body }, 201)
  return made.activity
}

/** The code staff show now. */
export async function currentCode(w: ActivityWorld, activityId: string): Promise<string> {
  return (await must(w.api, 'GET', `/v1/activities/${activityId}/checkin-code`, { key: w.keys.admin })).code
}

/**
 * The whole attendance by HTTP: the member signs up with its own key, checks in with the code shown,
 * `minutes` pass, and it checks out with the code shown then. The pending record the check-out made.
 */
export async function attend(w: ActivityWorld, activityId: string, who: MemberName, minutes: number) {
  const key = w.keys[who]
  await must(w.api, 'POST', `/v1/activities/${activityId}/signups/${who}`, { key }, 201)
  await must(w.api, 'POST', `/v1/activities/${activityId}/checkins`, { key, json: { code: await currentCode(w, activityId) } }, 201)
  w.advance(minutes * 60_000)
  const out = await must(
    w.api,
    'POST',
    `/v1/activities/${activityId}/checkouts`,
    { key, json: { code: await currentCode(w, activityId) } },
    201,
  )
  return out.record as { id: string; hours: string; status: string; memberId: string }
}

/** Approve records with the unlimited staff key; every one must succeed. */
export async function approve(w: ActivityWorld, recordIds: string[]) {
  const done = await must(w.api, 'POST', '/v1/hour-records/approvals', { key: w.keys.staff, json: { recordIds } })
  for (const r of done.results) if (!r.ok) throw new Error(`record ${r.recordId} not approved: ${JSON.stringify(r.error)}`)
  return done.results
}
