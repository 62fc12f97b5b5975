/**
 * Seeding and reading the API for the resident pages' tests: everything through the API with the
 * fixture's keys, as staff and the admin would.
 */
import type { TestWeb } from '../../testing/web-harness.js'

let seq = 0
/** A fresh id, unique in the process. */
export const uid = (prefix: string) => `${prefix}${++seq}`

/** A request with a key that must answer `status`; its body. */
export async function must(w: TestWeb, method: string, path: string, key: string, json?: unknown, status = 200) {
  const res = await w.api.request(method, path, { key, ...(json === undefined ? {} : { json }) })
  if (res.status !== status) throw new Error(`${method} ${path} answered ${res.status}, not ${status}: ${res.text}`)
  return res.body
}

/** Credit earned hours or points to a member (the admin's earning). */
export async function earn(w: TestWeb, memberId: string, asset: 'HOUR' | 'POINT', amount: string): Promise<void> {
  await must(
    w,
    'POST',
    '/v1/earnings',
    w.fx.admin,
    { id: uid('earn-'), to: `member:${memberId}:${asset}`, amount, evidence: { activity: 'test', reviewer: 'test' } },
    201,
  )
}

/** Hours entered by staff and approved by the admin: spendable and lifetime hours both credited. */
export async function approvedHours(w: TestWeb, memberId: string, hours: string): Promise<void> {
  const now = Date.now()
  const record = await must(
    w,
    'POST',
    '/v1/hour-records',
    w.fx.staff,
    {
      id: uid('rec-'),
      memberId,
      kind: 'elder-visit',
      startedAt: new Date(now - 3 * 3600_000).toISOString(),
      endedAt: new Date(now - 3600_000).toISOString(),
      hours,
    },
    201,
  )
  const done = await must(w, 'POST', '/v1/hour-records/approvals', w.fx.admin, { recordIds: [record.id] })
  if (!done.results[0]?.ok) throw new Error(`record not approved: ${JSON.stringify(done.results)}`)
}

/** A member's available balance of an asset, as the admin reads it. */
export async function available(w: TestWeb, memberId: string, asset: 'HOUR' | 'POINT'): Promise<string> {
  return (await must(w, 'GET', `/v1/accounts/member:${memberId}:${asset}/balance`, w.fx.admin)).available
}

/** A new version of the community's policy (the whole policy: rules left out are off). */
export async function setPolicy(w: TestWeb, policy: Record<string, unknown>): Promise<void> {
  await must(w, 'POST', '/v1/community/policies', w.fx.admin, { policy, reason: 'test' }, 201)
}

/** A hidden input's value in a page (the first with that name). */
export function hidden(html: string, name: string): string {
  const found = new RegExp(`<input type="hidden" name="${name}" value="([^"]*)"`).exec(html)
  if (!found?.[1]) throw new Error(`no hidden ${name} in the page`)
  return found[1]
}
