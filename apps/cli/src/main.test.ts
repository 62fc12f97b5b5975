import { type Community, type TestApi, seedCommunity, startTestApi } from '@timebank/api/testing'
import { rows } from '@timebank/ledger/kit'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { main } from './main.js'

let api: TestApi
let t: Community

beforeAll(async () => {
  api = await startTestApi()
  t = await seedCommunity(api)
  const setUp = await api.request('PUT', '/v1/community', { key: t.admin, json: { name: 'Maple Street' } })
  expect(setUp.status).toBe(200)
})
afterAll(() => api?.close())

/** Run the command line against the test API; its exit status and what it wrote. */
async function run(argv: string[], env: Record<string, string | undefined> = { TIMEBANK_URL: api.url, TIMEBANK_KEY: t.admin }) {
  let out = ''
  let err = ''
  const status = await main(argv, { env, out: { write: (s: string) => (out += s) }, err: { write: (s: string) => (err += s) } })
  return { status, out, err }
}

describe('timebank', () => {
  it('signs a checkpoint and finds the books sound against it', async () => {
    const made = await run(['checkpoint'])
    expect(made).toMatchObject({ status: 0, err: '' })
    expect(made.out).toMatch(/^checkpoint #1 signed at .*, root [0-9a-f]{64}\n$/)
    const sound = await run(['verify-journal'])
    expect(sound.status).toBe(0)
    expect(sound.out).toMatch(/^books sound: \d+ entries in \d+ chains; checkpoint #1 of /)
    const json = await run(['verify-journal', '--json'])
    expect(JSON.parse(json.out)).toMatchObject({ ok: true, checkpoint: { number: '1', authentic: true } })
  })

  it('exits 1 and names the first broken link when an entry was edited behind the ledger', async () => {
    const edited = await rows(
      api.storage.db,
      sql`update tb_entries set amount = amount - 1 where tenant_id = ${t.tenantId} and account_id = 'bo:hours' returning seq`,
    )
    expect(edited.length).toBeGreaterThan(0)
    const broken = await run(['verify-journal'])
    expect(broken.status).toBe(1)
    expect(broken.out).toMatch(/^BOOKS BROKEN at account bo:hours \(shard 0\), entry \d+: hash; checkpoint #1 of /)
  })

  it('exits 2 with the reason when it cannot run the command', async () => {
    expect(await run(['verify-journal'], {})).toMatchObject({ status: 2, err: expect.stringContaining('set TIMEBANK_URL') })
    expect(await run(['rebuild-books'])).toMatchObject({ status: 2, err: expect.stringContaining('unknown command rebuild-books') })
    const refused = await run(['checkpoint'], { TIMEBANK_URL: api.url, TIMEBANK_KEY: t.staff })
    expect(refused).toMatchObject({ status: 2, err: expect.stringMatching(/^the API answered 403 FORBIDDEN: /) })
    const unreachable = await run(['verify-journal'], { TIMEBANK_URL: 'http://127.0.0.1:9', TIMEBANK_KEY: t.admin })
    expect(unreachable).toMatchObject({ status: 2, err: expect.stringContaining('cannot reach the API') })
    expect(await run(['--help'])).toMatchObject({ status: 0, out: expect.stringContaining('Usage: timebank') })
  })
})
