/**
 * Signing in on two API instances sharing one PostgreSQL schema, as two
 * processes behind a load balancer: the failed-attempt count and the lock are
 * the database's, so failures sent to either add up, and a sign-in link used
 * on both at the same moment signs in exactly once.
 */
import { randomBytes } from 'node:crypto'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseUrl } from '@timebank/ledger/testing'
import '../testing/no-console.js'
import { type Community, type TestApi, seedCommunity, startTestApi } from '../testing/harness.js'

let admin: postgres.Sql
let schema: string
let a: TestApi
let b: TestApi
let t: Community

beforeAll(async () => {
  const url = testDatabaseUrl()
  schema = `tb_api_signin_${randomBytes(6).toString('hex')}`
  admin = postgres(url, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create schema ${schema}`)
  const shared = new URL(url)
  shared.searchParams.set('search_path', schema)
  a = await startTestApi({ sharedDatabaseUrl: shared.toString() })
  b = await startTestApi({ sharedDatabaseUrl: shared.toString() })
  t = await seedCommunity(a)
}, 60_000)

afterAll(async () => {
  await a?.close()
  await b?.close()
  await admin?.unsafe(`drop schema if exists ${schema} cascade`)
  await admin?.end({ timeout: 5 })
})

const PASSWORD = 'correct horse battery'
let n = 0

async function makeUser(): Promise<{ id: string; login: string }> {
  const id = `u${++n}`
  const res = await a.request('POST', '/v1/users', { key: t.admin, json: { id, login: id, name: id, role: 'staff', password: PASSWORD } })
  expect(res.status).toBe(201)
  return { id, login: id }
}

const signIn = (api: TestApi, login: string, password: string) =>
  api.request('POST', '/v1/sessions', { json: { tenantId: t.tenantId, login, password } })

describe('signing in on two instances of one database', () => {
  it('adds up failures sent to either: the lock holds on both, even for the right password', async () => {
    const { login } = await makeUser()
    for (const api of [a, b, a, b]) expect((await signIn(api, login, 'wrong')).status).toBe(401)
    expect((await signIn(b, login, 'wrong')).status).toBe(401)
    for (const api of [a, b]) {
      const res = await signIn(api, login, PASSWORD)
      expect([res.status, res.body.error.code]).toEqual([429, 'SIGN_IN_LOCKED'])
    }
  })

  it('runs no more than 5 checks of failures arriving on both at once', async () => {
    const { login } = await makeUser()
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => signIn(i % 2 === 0 ? a : b, login, 'wrong')))
    const codes = answers.map((r) => r.body.error.code)
    expect(codes.filter((c) => c === 'INVALID_CREDENTIALS')).toHaveLength(5)
    expect(codes.filter((c) => c === 'SIGN_IN_LOCKED')).toHaveLength(5)
  })

  it('signs a link in exactly once when it is used on both at the same moment', async () => {
    const { id } = await makeUser()
    for (let round = 0; round < 10; round++) {
      const link = await a.request('POST', `/v1/users/${id}/sign-in-links`, { key: t.admin })
      const json = { tenantId: t.tenantId, token: link.body.token }
      const answers = await Promise.all([a, b].map((api) => api.request('POST', '/v1/sessions/link', { json })))
      expect(answers.map((r) => r.status).sort()).toEqual([201, 401])
    }
  })

  it('serves a session opened on one instance on the other, and a sign-out there ends it there at once', async () => {
    const { login } = await makeUser()
    const token = (await signIn(a, login, PASSWORD)).body.token as string
    expect((await b.request('GET', '/v1/me', { key: token })).body.user.id).toBe(`u${n}`)
    expect((await b.request('DELETE', '/v1/sessions/current', { key: token })).status).toBe(204)
    expect((await b.request('GET', '/v1/me', { key: token })).status).toBe(401)
  })
})
