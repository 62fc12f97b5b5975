/**
 * Test fixtures for recognition and certificates, made without the member,
 * grid and activity use cases (written elsewhere): grid rows with their
 * paths, active members placed in a grid with their ledger accounts open,
 * activity rows, and approved hours made through the real record workflow
 * (a manual record entered by one staff key, approved by another) at a
 * chosen instant.
 *
 * @example
 * const fresh = communityPerTest()
 * const t = await fresh({ start: '2026-01-01T00:00:00Z' })
 * await grids(t, [['root'], ['g1', 'root']])
 * await member(t, 'ana', { name: '张小明', gridId: 'g1' })
 * await served(t, { id: 'r1', memberId: 'ana', hours: '2', at: '2026-01-10T02:00:00Z' })
 */
import { randomBytes } from 'node:crypto'
import { and, eq, isNull } from 'drizzle-orm'
import { createContext } from '../context.js'
import { openMemberAccounts } from '../members/accounts.js'
import { activities, grids as gridTable, memberPlaces, members } from '../storage/schema.js'
import { afterAll, beforeAll } from 'vitest'
import { type TestCommunity, communityOn, pgliteCommunity } from '../testing/pglite.js'

type T = Pick<TestCommunity, 'db' | 'ledger' | 'tenantId' | 'clock' | 'community'>

/**
 * One migrated PGlite per test file (making one costs seconds), a fresh community on it per test:
 * every key is led by the tenant, so tests on their own tenants never see each other's rows.
 */
export function communityPerTest(): (options?: Parameters<typeof communityOn>[1]) => Promise<Omit<TestCommunity, 'close'>> {
  let base: TestCommunity | undefined
  beforeAll(async () => {
    base = await pgliteCommunity()
  })
  afterAll(async () => {
    await base?.close()
  })
  return (options = {}) => {
    if (!base) throw new Error('communityPerTest() must be called at the top of a test file')
    return communityOn(base.db, options)
  }
}

/** Grids as [id, parentId?], parents first; each path is its ancestors' ids and its own, each followed by '/'. */
export async function grids(t: T, tree: [string, string?][]): Promise<Map<string, string>> {
  const paths = new Map<string, string>()
  for (const [id, parentId] of tree) {
    const path = `${parentId === undefined ? '' : paths.get(parentId)}${id}/`
    paths.set(id, path)
    await t.db.insert(gridTable).values({
      tenantId: t.tenantId,
      id,
      parentId: parentId ?? null,
      name: `Grid ${id}`,
      level: parentId === undefined ? 'community' : 'grid',
      path,
      createdAt: t.clock.now,
    })
  }
  return paths
}

/** An active member (or of another status) placed in a grid since `since`, with their ledger accounts open. */
export async function member(
  t: T,
  id: string,
  options: { name?: string | null; gridId?: string; status?: string; since?: Date | string } = {},
): Promise<void> {
  const since = new Date(options.since ?? t.clock.now)
  await t.db.insert(members).values({
    tenantId: t.tenantId,
    id,
    name: options.name === undefined ? `Member ${id}` : options.name,
    status: options.status ?? 'active',
    gridId: options.gridId ?? null,
    pseudonym: `V-${id}`,
    appliedAt: since,
  })
  if (options.gridId !== undefined) {
    await t.db.insert(memberPlaces).values({ tenantId: t.tenantId, memberId: id, since, gridId: options.gridId })
  }
  await openMemberAccounts(createContext({ db: t.db, ledger: t.ledger, clock: () => t.clock.now }), t.tenantId, id)
}

/** Move a member to another grid at `at`: their open placement ends, a new one starts. */
export async function move(t: T, id: string, gridId: string, at: Date | string): Promise<void> {
  const when = new Date(at)
  await t.db
    .update(memberPlaces)
    .set({ until: when })
    .where(and(eq(memberPlaces.tenantId, t.tenantId), eq(memberPlaces.memberId, id), isNull(memberPlaces.until)))
  await t.db.insert(memberPlaces).values({ tenantId: t.tenantId, memberId: id, since: when, gridId })
  await t.db
    .update(members)
    .set({ gridId })
    .where(and(eq(members.tenantId, t.tenantId), eq(members.id, id)))
}

/** An activity row in a grid, starting at `startsAt` (two hours long). */
export async function activity(
  t: T,
  id: string,
  options: { title?: string; kind?: string; gridId: string; startsAt: Date | string; status?: string },
): Promise<void> {
  const startsAt = new Date(options.startsAt)
  await t.db.insert(activities).values({
    tenantId: t.tenantId,
    id,
    title: options.title ?? `Activity ${id}`,
    kind: options.kind ?? 'clean-up',
    place: 'Community hall',
    gridId: options.gridId,
    startsAt,
    endsAt: new Date(startsAt.getTime() + 2 * 3_600_000),
    capacity: 50,
    maxHours: 400n,
    status: options.status ?? 'open',
    codeSecret: randomBytes(16).toString('base64url'),
    createdAt: t.clock.now,
  })
}

/**
 * Hours served, approved at `at` (the clock is set there): a manual record entered by one key and
 * approved by another, so the ledger posts its credit at `at`. Returns the record as approved.
 */
export async function served(
  t: T,
  r: {
    id: string
    memberId: string
    hours: string
    at: Date | string
    kind?: string
    role?: 'member' | 'leader' | 'organiser'
    activityId?: string
  },
) {
  const at = new Date(r.at)
  t.clock.set(at)
  await t.community.createRecord({
    tenantId: t.tenantId,
    id: r.id,
    memberId: r.memberId,
    kind: r.kind ?? 'elder-visit',
    role: r.role ?? 'member',
    startedAt: new Date(at.getTime() - 3 * 3_600_000),
    endedAt: new Date(at.getTime() - 3_600_000),
    hours: r.hours,
    ...(r.activityId === undefined ? {} : { activityId: r.activityId }),
    actor: 'key_entry',
  })
  const [decision] = await t.community.approve({ tenantId: t.tenantId, recordIds: [r.id], actor: 'key_approver' })
  if (!decision?.ok) throw new Error(`record ${r.id} was not approved: ${JSON.stringify(decision)}`)
  return decision.record
}

/** Uphold a complaint about a record at `at`: an approved one is reversed in the ledger then. */
export async function reversed(t: T, recordId: string, at: Date | string) {
  t.clock.set(new Date(at))
  return t.community.complain({ tenantId: t.tenantId, recordId, reason: 'substantiated complaint', actor: 'key_reviewer' })
}
