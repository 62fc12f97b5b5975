/**
 * Names in lists: sign-ups, attendance, hour records and redemptions carry
 * each member's name as the caller may see it, the same rule as
 * `GET /v1/members/{memberId}`: in full within a staff key's scope and for a
 * member itself, masked otherwise.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import './testing/no-console.js'
import {
  ANA_NAME,
  type ActivityWorld,
  BO_NAME,
  CY_NAME,
  approve,
  attend,
  createActivity,
  must,
  seedActivityWorld,
} from './testing/activity-fixture.js'
import { type TestApi, startTestApi } from './testing/harness.js'

let api: TestApi
let w: ActivityWorld
let activityId: string

beforeAll(async () => {
  api = await startTestApi()
  w = await seedActivityWorld(api)
  activityId = (await createActivity(w, { gridId: 'g1' })).id
  const records = [await attend(w, activityId, 'ana', 30), await attend(w, activityId, 'bo', 30), await attend(w, activityId, 'cy', 30)]
  await approve(w, [records[2]?.id as string])
})
afterAll(() => api.close())

const get = (path: string, key: string) => must(api, 'GET', path, { key })
const byMember = (items: { memberId: string; memberName: string | null }[]) =>
  Object.fromEntries(items.map((i) => [i.memberId, i.memberName]))

describe('names in lists', () => {
  it("sign-ups and attendance: staff see their scope's members in full, others masked", async () => {
    const all = { ana: ANA_NAME, bo: BO_NAME, cy: CY_NAME }
    expect(byMember((await get(`/v1/activities/${activityId}/signups`, w.keys.admin)).signups)).toEqual(all)
    expect(byMember((await get(`/v1/activities/${activityId}/attendance`, w.keys.staff)).entries)).toEqual(all)
    // The leader of g1 hosts the activity; cy lives in g2, outside its scope.
    const leaders = { ana: ANA_NAME, bo: BO_NAME, cy: '王*五' }
    expect(byMember((await get(`/v1/activities/${activityId}/signups`, w.keys.leader)).signups)).toEqual(leaders)
    expect(byMember((await get(`/v1/activities/${activityId}/attendance`, w.keys.leader)).entries)).toEqual(leaders)
    // A member reads its own entry, with its own name.
    expect(byMember((await get(`/v1/activities/${activityId}/attendance`, w.keys.cy)).entries)).toEqual({ cy: CY_NAME })
  })

  it('hour records: the approval queue names each member; a member sees its own name', async () => {
    const queue = await get(`/v1/hour-records?status=pending&activityId=${activityId}`, w.keys.staff)
    expect(byMember(queue.records)).toEqual({ ana: ANA_NAME, bo: BO_NAME })
    const leaders = await get(`/v1/hour-records?activityId=${activityId}`, w.keys.leader)
    expect(byMember(leaders.records)).toEqual({ ana: ANA_NAME, bo: BO_NAME })
    expect(byMember((await get('/v1/hour-records', w.keys.cy)).records)).toEqual({ cy: CY_NAME })
  })

  it('redemptions: listed and read with the member’s name', async () => {
    await must(api, 'POST', '/v1/rewards', { key: w.keys.admin, json: { id: 'soap', name: '香皂', price: '1' } }, 201)
    await must(api, 'POST', '/v1/rewards/soap/restocks', { key: w.keys.admin, json: { id: 'in-1', quantity: '5', reason: '捐赠' } }, 201)
    const made = await must(
      api,
      'POST',
      '/v1/reward-redemptions',
      { key: w.keys.cy, json: { id: 'r-cy', rewardId: 'soap', quantity: '1' } },
      201,
    )
    expect(byMember((await get('/v1/reward-redemptions', w.keys.cy)).redemptions)).toEqual({ cy: CY_NAME })
    expect(byMember((await get('/v1/reward-redemptions?rewardId=soap', w.keys.staff)).redemptions)).toEqual({ cy: CY_NAME })
    expect((await get(`/v1/reward-redemptions/${made.id}`, w.keys.admin)).memberName).toBe(CY_NAME)
  })

  it("relatives: staff see them in full; a member reading its own sees them masked, as anyone else's record", async () => {
    await must(api, 'POST', '/v1/members/ana/relatives', { key: w.keys.admin, json: { relativeId: 'bo', relation: 'child' } }, 201)
    const named = (body: { relatives: { relativeId: string; relativeName: string | null }[] }) =>
      Object.fromEntries(body.relatives.map((r) => [r.relativeId, r.relativeName]))
    expect(named(await get('/v1/members/ana/relatives', w.keys.staff))).toEqual({ bo: BO_NAME })
    expect(named(await get('/v1/members/ana/relatives', w.keys.ana))).toEqual({ bo: '李*四' })
    expect(named(await get('/v1/members/bo/relatives', w.keys.bo))).toEqual({ ana: expect.stringMatching(/^张\*+明$/) })
  })

  it('a redemption read for the desk is masked whoever asks', async () => {
    const page = await get('/v1/reward-redemptions?memberId=cy', w.keys.admin)
    const id = page.redemptions[0].id as string
    expect((await get(`/v1/reward-redemptions/${id}?view=masked`, w.keys.admin)).memberName).toBe('王*五')
  })

  it("orders: a volunteer provider named as the caller may see them; an organisation's is null", async () => {
    await must(api, 'POST', '/v1/services', { key: w.keys.staff, json: { id: 'haircut', name: '上门理发', hours: '1.00' } }, 201)
    // ana (g1) orders; cy (g2) is dispatched to it.
    await must(api, 'POST', '/v1/orders', { key: w.keys.ana, json: { id: 'o-1', serviceId: 'haircut' } }, 201)
    await must(api, 'POST', '/v1/orders/o-1/dispatch', { key: w.keys.staff, json: { provider: { type: 'member', id: 'cy' } } })
    await must(api, 'POST', '/v1/orders', { key: w.keys.ana, json: { id: 'o-2', serviceId: 'haircut' } }, 201)
    const names = (body: { orders: { id: string; providerName: string | null }[] }) =>
      Object.fromEntries(body.orders.map((o) => [o.id, o.providerName]))
    expect(names(await get('/v1/orders', w.keys.staff))).toEqual({ 'o-1': CY_NAME, 'o-2': null })
    // The leader of g1 manages ana's orders; cy lives outside its subtree.
    expect(names(await get('/v1/orders', w.keys.leader))).toEqual({ 'o-1': '王*五', 'o-2': null })
    expect(names(await get('/v1/orders', w.keys.ana))).toEqual({ 'o-1': '王*五', 'o-2': null })
    expect(names(await get('/v1/orders?as=provider', w.keys.cy))).toEqual({ 'o-1': CY_NAME })
  })
})
