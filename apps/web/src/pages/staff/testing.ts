/**
 * Seeding for the staff console's page tests, through the API with the fixture's keys: an
 * activity running now, a member signed up, a manual hour record. Pages are then read and posted
 * as a signed-in user, and what they did read back through the API.
 */
import type { TestWeb } from '../../testing/web-harness.js'
import type { Visitor } from '../../testing/visitor.js'

let seq = 0
export const uid = (prefix: string) => `${prefix}${++seq}-${Date.now().toString(36)}`

/** An API request that must answer `status`; its body. */
export async function must(w: TestWeb, method: string, path: string, key: string, json?: unknown, status = 200) {
  const res = await w.api.request(method, path, { key, ...(json !== undefined ? { json } : {}) })
  if (res.status !== status) throw new Error(`${method} ${path} answered ${res.status}, not ${status}: ${res.text}`)
  return res.body
}

/** An open activity in `gridId` that started ten minutes ago and runs two more hours. */
export async function activityNow(w: TestWeb, options: { gridId?: string; title?: string; capacity?: number } = {}) {
  const now = Date.now()
  const body = await must(
    w,
    'POST',
    '/v1/activities',
    w.fx.staff,
    {
      id: uid('act'),
      title: options.title ?? '楼道清洁',
      kind: 'cleaning',
      place: '3号楼',
      gridId: options.gridId ?? 'g1',
      startsAt: new Date(now - 10 * 60_000).toISOString(),
      endsAt: new Date(now + 120 * 60_000).toISOString(),
      capacity: options.capacity ?? 10,
      maxHours: '2',
    },
    201,
  )
  return body.activity as { id: string; title: string }
}

/** A pending manual record of 1.5 hours yesterday, entered with `key`. */
export async function manualRecord(w: TestWeb, memberId: string, key: string, hours = '1.50') {
  const day = Date.now() - 86_400_000
  return (await must(
    w,
    'POST',
    '/v1/hour-records',
    key,
    {
      id: uid('rec'),
      memberId,
      kind: 'elder-visit',
      startedAt: new Date(day).toISOString(),
      endedAt: new Date(day + 2 * 3_600_000).toISOString(),
      hours,
    },
    201,
  )) as { id: string; hours: string; manual: boolean }
}

/** The posted balance of a member's account of an asset (the community's account id), read with the admin key. */
export async function balance(w: TestWeb, memberId: string, asset: 'HOUR' | 'POINT' | 'LIFETIME_HOUR'): Promise<string> {
  const b = await must(w, 'GET', `/v1/accounts/${encodeURIComponent(`member:${memberId}:${asset}`)}/balance`, w.fx.admin)
  return b.posted as string
}

/** The session token a visitor holds (to act through the API as that user). */
export function sessionOf(v: Visitor): string {
  const token = v.cookies.get('tb_session')
  if (!token) throw new Error('the visitor is not signed in')
  return token
}
