import { rows } from '@timebank/ledger/kit'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import '../testing/no-console.js'
import { type Community, type TestApi, seedCommunity, startTestApi } from '../testing/harness.js'

let api: TestApi
let t: Community

beforeAll(async () => {
  api = await startTestApi()
  t = await seedCommunity(api)
})
afterAll(() => api.close())

const verify = (key: string) => api.request('GET', '/v1/journal/verification', { key })

describe('the books, verified and checkpointed', () => {
  it('are for admin keys only', async () => {
    for (const key of [t.staff, t.ana]) {
      expect((await verify(key)).status).toBe(403)
      expect((await api.request('POST', '/v1/journal/checkpoints', { key })).status).toBe(403)
    }
  })

  it('checks the chains of a tenant without a community, which has no key to sign with', async () => {
    const res = await verify(t.admin)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ ok: true, chains: expect.any(Number), checked: expect.any(Number) })
    expect(res.body.checked).toBeGreaterThan(0)
    expect(res.body.checkpoint).toBeUndefined()
    const refused = await api.request('POST', '/v1/journal/checkpoints', { key: t.admin })
    expect([refused.status, refused.body.error.code]).toEqual([404, 'COMMUNITY_NOT_FOUND'])
  })

  it("signs a checkpoint with the community's key, verifies against it, and names an edited entry", async () => {
    const setUp = await api.request('PUT', '/v1/community', { key: t.admin, json: { name: 'Maple Street' } })
    expect(setUp.status).toBe(200)
    const made = await api.request('POST', '/v1/journal/checkpoints', { key: t.admin })
    expect(made.status).toBe(201)
    expect(made.body).toMatchObject({ tenantId: t.tenantId, number: '1', root: expect.stringMatching(/^[0-9a-f]{64}$/) })
    const sound = await verify(t.admin)
    expect(sound.body).toMatchObject({ ok: true, checkpoint: { number: '1', root: made.body.root, authentic: true } })

    const edited = await rows(
      api.storage.db,
      sql`update tb_entries set amount = amount + 100 where tenant_id = ${t.tenantId} and account_id = 'ana:hours' returning seq`,
    )
    expect(edited.length).toBeGreaterThan(0)
    const broken = await verify(t.admin)
    expect(broken.status).toBe(200)
    expect(broken.body).toMatchObject({ ok: false, firstBroken: { accountId: 'ana:hours', reason: 'hash' } })
  })
})
