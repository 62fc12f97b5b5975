/**
 * The console's pages, part 2, reached by whom, and the wishes board: a wish posted through the
 * form is in the API and on the board, markup in it is shown as text, confirming and cancelling,
 * and a refusal shown on the page.
 */
import { ANA_NAME } from '@timebank/api/testing/activity-fixture'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestWeb, startTestWeb } from '../../testing/web-harness.js'
import type { Visitor } from '../../testing/visitor.js'

let w: TestWeb
let staff: Visitor
let n = 0

beforeAll(async () => {
  w = await startTestWeb()
  staff = await w.visitorAs(w.staffUser)
})
afterAll(() => w.close())

const PAGES = [
  '/staff/wishes',
  '/staff/orders',
  '/staff/services',
  '/staff/market',
  '/staff/market/handover',
  '/staff/honour',
  '/staff/rollups',
  '/staff/certificates',
  '/staff/policies',
]

describe('who reaches the console', () => {
  it('opens every page for staff and for an admin', async () => {
    const admin = await w.visitorAs(w.adminUser)
    for (const path of PAGES) {
      expect([path, (await staff.get(path)).status]).toEqual([path, 200])
      expect([path, (await admin.get(path)).status]).toEqual([path, 200])
    }
  })

  it('sends a member to their own pages, and a stranger to sign in', async () => {
    const member = await w.visitorAs(await w.memberUser())
    for (const path of PAGES) {
      const page = await member.get(path)
      expect([path, page.status, page.location]).toEqual([path, 303, '/me'])
    }
    const stranger = (await import('../../testing/visitor.js')).Visitor
    const page = await new stranger(w.url).get('/staff/wishes')
    expect(page.status).toBe(303)
    expect(page.location).toMatch(/^\/signin\?next=/)
  })

  it('lets a member post none of the console forms', async () => {
    const member = await w.visitorAs(await w.memberUser())
    // The member's own form token (the password page has a form), as a forged post would carry it.
    expect((await member.get('/password')).status).toBe(200)
    const res = await member.post('/staff/wishes', { id: 'w-from-member', posterId: 'x', title: 't' })
    expect(res.status).toBe(303)
    expect(res.location).toBe('/me')
    expect((await w.api.request('GET', '/v1/wishes/w-from-member', { key: w.fx.admin })).status).toBe(404)
  })
})

describe('the wishes board', () => {
  it('posts a wish for a resident through the form: the API has it and the board shows it, markup as text', async () => {
    const resident = await w.fx.member({ gridId: 'g1' })
    const form = await staff.get('/staff/wishes')
    const id = /name="id" value="(w-[\w-]+)"/.exec(form.text)?.[1]
    expect(id).toBeDefined()
    const title = `<script>alert("wish")</script>书包 ${++n}`
    const fields = { id: id as string, posterId: resident.id, title, description: ANA_NAME, gridId: '', points: '', sponsor: 'pool' }
    const posted = await staff.post('/staff/wishes', fields)
    expect(posted.status).toBe(303)
    expect(posted.location).toContain('done=posted')

    const inApi = await w.api.request('GET', `/v1/wishes/${id}`, { key: w.fx.admin })
    expect(inApi.body).toMatchObject({ id, title, status: 'published', poster: { id: resident.id } })
    // The same form posted again (a double click) replays: still one wish.
    expect((await staff.post('/staff/wishes', fields)).status).toBe(303)
    const listed = await w.api.request('GET', `/v1/wishes?posterId=${resident.id}`, { key: w.fx.admin })
    expect(listed.body.wishes).toHaveLength(1)

    const board = await staff.get(posted.location as string)
    expect(board.status).toBe(200)
    expect(board.text).toContain('心愿已发布')
    expect(board.text).toContain('&lt;script&gt;alert(&quot;wish&quot;)&lt;/script&gt;书包')
    expect(board.text).not.toContain('<script>alert')
    expect(board.text).toContain(resident.name)
  })

  it('shows the counts of the period and filters by grid', async () => {
    const inG2 = await w.fx.member({ gridId: 'g2' })
    await w.api.request('POST', '/v1/wishes', {
      key: w.fx.staff,
      json: { id: `g2-wish-${++n}`, posterId: inG2.id, title: `只在二网格 ${n}`, description: '' },
    })
    const g1 = await staff.get('/staff/wishes?gridId=g1')
    const g2 = await staff.get('/staff/wishes?gridId=g2')
    expect(g2.text).toContain(`只在二网格 ${n}`)
    expect(g1.text).not.toContain(`只在二网格 ${n}`)
    const counts = await w.api.request('GET', `/v1/wishes/counts?period=${/name="period" value="([^"]+)"/.exec(g2.text)?.[1]}&gridId=g2`, {
      key: w.fx.staff,
    })
    expect(g2.text).toContain(`<div class="figure">${counts.body.posted}</div>`)
  })

  it('confirms a fulfilled wish and cancels an open one', async () => {
    const poster = await w.fx.member()
    const volunteer = await w.fx.member()
    const [done, dropped] = [`done-${++n}`, `drop-${n}`]
    for (const id of [done, dropped]) {
      await w.api.request('POST', '/v1/wishes', {
        key: w.fx.staff,
        json: { id, posterId: poster.id, title: `心愿 ${id}`, description: '' },
      })
    }
    await w.api.request('POST', `/v1/wishes/${done}/claim`, { key: volunteer.key })
    await w.api.request('POST', `/v1/wishes/${done}/fulfil`, { key: volunteer.key, json: { note: '已送到' } })

    const board = await staff.get('/staff/wishes')
    expect(board.text).toContain(`action="/staff/wishes/${done}/confirm"`)
    const confirmed = await staff.post(`/staff/wishes/${done}/confirm`, { back: '/staff/wishes?gridId=g1' })
    expect([confirmed.status, confirmed.location]).toEqual([303, '/staff/wishes?gridId=g1&done=confirmed'])
    expect((await w.api.request('GET', `/v1/wishes/${done}`, { key: w.fx.admin })).body.status).toBe('confirmed')

    const cancelled = await staff.post(`/staff/wishes/${dropped}/cancel`, { reason: '家人已解决', back: 'https://evil.example/' })
    expect([cancelled.status, cancelled.location]).toEqual([303, '/staff/wishes?done=cancelled'])
    expect((await w.api.request('GET', `/v1/wishes/${dropped}`, { key: w.fx.admin })).body).toMatchObject({
      status: 'cancelled',
      reason: '家人已解决',
    })
  })

  it("shows the API's refusal on the board, not an error page", async () => {
    await staff.get('/staff/wishes')
    const refused = await staff.post('/staff/wishes', { id: `w-${++n}`, posterId: 'nobody-here', title: '', sponsor: 'pool' })
    expect(refused.status).toBe(400)
    expect(refused.text).toContain('role="alert"')
    expect(refused.text).toMatch(/title/)
    expect(refused.text).toMatch(/name="posterId" required="" value="nobody-here"/)

    const again = await staff.post(`/staff/wishes/no-such-wish-${n}/confirm`, {})
    expect(again.status).toBe(404)
    expect(again.text).toContain('wish no-such-wish')
  })
})
