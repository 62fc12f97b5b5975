/**
 * Gifts and donations through the confirm page: the hours move only once confirmed (and once however
 * often it is confirmed), and the policy's refusals come back in plain words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Visitor } from '../../testing/visitor.js'
import { type TestUser, type TestWeb, startTestWeb } from '../../testing/web-harness.js'
import { available, earn, hidden, must, setPolicy } from './test-kit.js'

let w: TestWeb
let ana: TestUser & { memberId: string }
let son: TestUser & { memberId: string }
let stranger: TestUser & { memberId: string }
let v: Visitor

beforeAll(async () => {
  w = await startTestWeb()
  ana = await w.memberUser()
  son = await w.memberUser({ name: '李小四' })
  stranger = await w.memberUser()
  await must(w, 'POST', `/v1/members/${ana.memberId}/relatives`, w.fx.staff, { relativeId: son.memberId, relation: 'child' }, 201)
  await earn(w, ana.memberId, 'HOUR', '10')
  await earn(w, ana.memberId, 'POINT', '100')
  v = await w.visitorAs(ana)
}, 60_000)
afterAll(() => w?.close())

describe('gifts', () => {
  it('gives hours to a relative after the confirm page, once', async () => {
    await setPolicy(w, { gifting: { recipients: 'relatives' } })
    const form = await v.get('/me/gifts')
    expect(form.text).toContain(`<option value="${son.memberId}"`)
    // The relative named as a member sees another: masked.
    expect(form.text).toContain(`子女 · 李*四 (${son.memberId})`)
    expect(form.text).not.toContain('李小四')
    const id = hidden(form.text, 'id')
    const confirm = await v.post('/me/gifts/confirm', { kind: 'gift', id, to: son.memberId, asset: 'HOUR', amount: '2' })
    expect(confirm.status).toBe(200)
    expect(confirm.text).toContain(`您要把 2 小时 送给 子女 · 李*四 (${son.memberId})。确认吗？`)
    expect(await available(w, son.memberId, 'HOUR')).toBe('0.00')

    const given = await v.post('/me/gifts/give', { id, to: son.memberId, asset: 'HOUR', amount: '2' })
    expect([given.status, given.location]).toEqual([303, '/me/gifts?done=given'])
    await v.post('/me/gifts/give', { id, to: son.memberId, asset: 'HOUR', amount: '2' })
    expect(await available(w, son.memberId, 'HOUR')).toBe('2.00')
    expect(await available(w, ana.memberId, 'HOUR')).toBe('8.00')
  })

  it('shows the policy’s refusal of a gift to someone who is not a relative', async () => {
    await setPolicy(w, { gifting: { recipients: 'relatives' } })
    const form = await v.get('/me/gifts')
    const refused = await v.post('/me/gifts/give', { id: hidden(form.text, 'id'), to: stranger.memberId, asset: 'HOUR', amount: '1' })
    expect(refused.status).toBe(422)
    expect(refused.text).toContain('按社区规定，只能转赠给登记过的亲属。')
    expect(await available(w, stranger.memberId, 'HOUR')).toBe('0.00')
  })

  it('says when there is not enough to give, and keeps what was typed', async () => {
    await setPolicy(w, {})
    const form = await v.get('/me/gifts')
    const refused = await v.post('/me/gifts/give', { id: hidden(form.text, 'id'), to: son.memberId, asset: 'POINT', amount: '5000' })
    expect(refused.status).toBe(422)
    expect(refused.text).toContain('您的余额不够')
    expect(refused.text).toContain('value="5000"')
  })

  it('donates to the community pool after confirming', async () => {
    await setPolicy(w, {})
    const before = await available(w, ana.memberId, 'POINT')
    const page = await v.get('/me/gifts')
    const id = /name="kind" value="donate"\/><input type="hidden" name="id" value="([^"]+)"/.exec(page.text)?.[1] as string
    const confirm = await v.post('/me/gifts/confirm', { kind: 'donate', id, asset: 'POINT', amount: '10' })
    expect(confirm.text).toContain('您要把 10 积分 捐给社区公益池')
    const done = await v.post('/me/gifts/donate', { id, asset: 'POINT', amount: '10' })
    expect(done.location).toBe('/me/gifts?done=donated')
    expect(BigInt(before) - BigInt(await available(w, ana.memberId, 'POINT'))).toBe(10n)
  })

  it('says so when the policy takes no donations', async () => {
    await setPolicy(w, { donations: false })
    try {
      const page = await v.get('/me/gifts')
      expect(page.text).toContain('按社区规定，现在不接受个人捐赠。')
      const refused = await v.post('/me/gifts/donate', { id: 'don-forged', asset: 'HOUR', amount: '1' })
      expect(refused.status).toBe(422)
      expect(refused.text).toContain('按社区规定，现在不接受个人捐赠。')
    } finally {
      await setPolicy(w, {})
    }
  })
})
