/**
 * A NUL anywhere in a query string or path answers
 * 400 VALIDATION, with or without a key: none reaches the database.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import './testing/no-console.js'
import { Hono } from 'hono'
import { ApiError } from './errors.js'
import { storableUrl } from './storable-url.js'
import { setUpCommunity } from './testing/community-fixture.js'
import { type TestApi, startTestApi } from './testing/harness.js'

let api: TestApi
let staff: string
let member: string
let tenantId: string

beforeAll(async () => {
  api = await startTestApi()
  const fx = await setUpCommunity(api)
  staff = fx.staff
  tenantId = fx.tenantId
  member = (await fx.member({ gridId: 'g1' })).key
})
afterAll(() => api.close())

it.each([
  ['a public cursor, without a key', (): string => `/v1/public/${tenantId}/disclosure?cursor=2026-01-01T00:00:00Z%7C%00`, 'none'],
  ['a grid list cursor, with a member key', (): string => '/v1/grids?after=%00', 'member'],
  ['a member search', (): string => '/v1/members?search=a%00b', 'staff'],
  ['a record list cursor', (): string => '/v1/hour-records?cursor=2026-01-01T00:00:00Z%7C%00', 'staff'],
  ['an activity list cursor', (): string => '/v1/activities?cursor=2026-01-01T00:00:00Z%7C%00', 'staff'],
  ['an account list cursor', (): string => '/v1/accounts?after=%00', 'staff'],
  ['a query parameter name', (): string => '/v1/members?a%00=1', 'staff'],
  ['a path segment', (): string => '/v1/members/ana%00', 'staff'],
] as const)('refuses a NUL in %s with 400 VALIDATION', async (_name, path, who) => {
  const key = who === 'none' ? undefined : who === 'member' ? member : staff
  const res = await api.request('GET', path(), key ? { key } : {})
  expect(res.status, res.text).toBe(400)
  expect(res.body.error.code).toBe('VALIDATION')
})

it('still answers ordinary queries', async () => {
  const res = await api.request('GET', '/v1/members?search=%E5%BC%A0', { key: staff })
  expect(res.status, res.text).toBe(200)
})

it('lets plain URLs through and refuses escaped NULs, in the path or the query', async () => {
  const app = new Hono()
  app.onError((e, c) => c.text(e instanceof ApiError ? e.code : 'other', 400))
  app.use('*', storableUrl()).get('/*', (c) => c.text('ok'))
  const status = async (path: string) => (await app.request(path)).status
  expect(await status('/v1/members/ana?search=zhang&limit=5')).toBe(200)
  expect(await status('/v1/members/%E5%BC%A0?search=a+b')).toBe(200)
  expect(await status('/v1/members/ana%00')).toBe(400)
  expect(await status('/v1/members?search=a%00b')).toBe(400)
})
