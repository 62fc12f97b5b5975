/**
 * Wishes through the forms: posted wishes reach the API (a double post makes one), others' open wishes
 * can be claimed, fulfilled and confirmed by the right people, free text is escaped, and refusals are
 * shown in plain words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Visitor } from '../../testing/visitor.js'
import { type TestUser, type TestWeb, startTestWeb } from '../../testing/web-harness.js'
import { hidden, must } from './test-kit.js'

let w: TestWeb
let ana: TestUser & { memberId: string }
let bo: TestUser & { memberId: string }
let anaV: Visitor
let boV: Visitor

beforeAll(async () => {
  w = await startTestWeb()
  ana = await w.memberUser()
  bo = await w.memberUser()
  anaV = await w.visitorAs(ana)
  boV = await w.visitorAs(bo)
}, 60_000)
afterAll(() => w?.close())

const wishesOf = async (memberId: string) => (await must(w, 'GET', `/v1/wishes?posterId=${memberId}`, w.fx.admin)).wishes

describe('wishes', () => {
  it('posts a wish through the form, once however often the form is sent, and escapes its text', async () => {
    const form = await anaV.get('/me/wishes')
    const id = hidden(form.text, 'id')
    const fields = { id, title: '<script>alert("x")</script>想要一个书包', description: '孩子开学用 & 谢谢', deadline: '' }
    const posted = await anaV.post('/me/wishes', fields)
    expect([posted.status, posted.location]).toEqual([303, '/me/wishes?done=posted'])
    await anaV.post('/me/wishes', fields)
    const wishes = await wishesOf(ana.memberId)
    expect(wishes.map((x: { id: string; title: string }) => [x.id, x.title])).toEqual([[id, fields.title]])
    expect(wishes[0].reward).toBeNull()

    const page = await anaV.get('/me/wishes?done=posted')
    expect(page.text).toContain('心愿已发布')
    expect(page.text).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;想要一个书包')
    expect(page.text).not.toContain('<script>alert')
  })

  it('takes a deadline as the end of that day in the community', async () => {
    const form = await anaV.get('/me/wishes')
    await anaV.post('/me/wishes', { id: hidden(form.text, 'id'), title: '修水龙头', description: '', deadline: '2099-05-01' })
    const wish = (await wishesOf(ana.memberId)).find((x: { title: string }) => x.title === '修水龙头')
    expect(wish.deadline).toBe('2099-05-01T15:59:59.000Z')
  })

  it('keeps what was typed and says why when the API refuses', async () => {
    const form = await anaV.get('/me/wishes')
    const refused = await anaV.post('/me/wishes', {
      id: hidden(form.text, 'id'),
      title: '过期的心愿',
      description: '',
      deadline: '2000-01-01',
    })
    expect(refused.status).toBe(400)
    expect(refused.text).toContain('填写的内容不对')
    expect(refused.text).toContain('value="过期的心愿"')
  })

  it('lets another member claim, fulfil, and the poster confirm', async () => {
    const form = await anaV.get('/me/wishes')
    const id = hidden(form.text, 'id')
    await anaV.post('/me/wishes', { id, title: '陪我去医院', description: '周三上午', deadline: '' })

    // Not one's own to claim: the poster does not see it among the open ones, and a forged post is refused.
    expect((await anaV.get('/me/wishes')).text).not.toContain(`/me/wishes/${id}/claim`)
    const own = await anaV.post(`/me/wishes/${id}/claim`, {})
    expect(own.status).toBe(422)
    expect(own.text).toContain('不能认领自己的心愿')

    const open = await boV.get('/me/wishes')
    expect(open.text).toContain(`/me/wishes/${id}/claim`)
    expect((await boV.post(`/me/wishes/${id}/claim`, {})).location).toBe('/me/wishes?done=claimed')
    await boV.get('/me/wishes')
    expect((await boV.post(`/me/wishes/${id}/fulfil`, { note: '已陪同' })).location).toBe('/me/wishes?done=fulfilled')

    const mine = await anaV.get('/me/wishes')
    expect(mine.text).toContain(`/me/wishes/${id}/confirm`)
    expect((await anaV.post(`/me/wishes/${id}/confirm`, {})).location).toBe('/me/wishes?done=confirmed')
    const wish = await must(w, 'GET', `/v1/wishes/${id}`, w.fx.admin)
    expect(wish).toMatchObject({ status: 'confirmed', claimant: { id: bo.memberId }, fulfilNote: '已陪同' })
  })

  it('refuses a step that is not the member’s in plain words', async () => {
    const form = await anaV.get('/me/wishes')
    const id = hidden(form.text, 'id')
    await anaV.post('/me/wishes', { id, title: '买菜', description: '', deadline: '' })
    await boV.get('/me/wishes')
    const notPoster = await boV.post(`/me/wishes/${id}/cancel`, {})
    expect(notPoster.status).toBe(422)
    expect(notPoster.text).toContain('只有心愿人本人才能这样做')
    expect((await must(w, 'GET', `/v1/wishes/${id}`, w.fx.admin)).status).toBe('published')
  })
})
