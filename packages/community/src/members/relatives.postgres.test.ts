/**
 * Family links racing an erasure, on a PostgreSQL server (PGlite runs one
 * transaction at a time, so the race cannot happen there): a link asked for
 * while the member's erasure is under way waits for it and is refused, rather
 * than being written beside the erasure and outliving it.
 */
import { type IsolatedDatabase, connectIsolated, testDatabaseUrl } from '@timebank/ledger/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate } from '../migrate.js'
import { activeMembers } from '../testing/members.js'
import { communityOn } from '../testing/pglite.js'

let database: IsolatedDatabase
let t: Awaited<ReturnType<typeof communityOn>>

beforeAll(async () => {
  database = await connectIsolated(testDatabaseUrl(), { prefix: 'cm_relatives', max: 8 })
  await migrate(database.db)
  t = await communityOn(database.db)
  await activeMembers(t, ['ann', 'bea', 'cal'])
})
afterAll(async () => {
  await database?.close()
})

const settled = <T>(p: Promise<T>) => {
  const state = { done: false, outcome: undefined as unknown }
  p.then(
    (v) => Object.assign(state, { done: true, outcome: v }),
    (e: { code?: string }) => Object.assign(state, { done: true, outcome: e.code ?? String(e) }),
  )
  return state
}

/** Statements of this schema's tests waiting on a lock whose text starts with `start`. */
async function waiting(start: string): Promise<number> {
  const [row] = await database.client<{ n: number }[]>`
    select count(*)::int as n from pg_stat_activity
    where datname = current_database() and wait_event_type = 'Lock' and query like ${`${start}%`}`
  return row?.n ?? 0
}

async function until(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error(`timed out waiting for ${what}`)
}

describe('a family link racing an erasure', () => {
  it('waits for the erasure and is refused, so no link outlives the erased member', async () => {
    const tenantId = t.tenantId
    await t.community.addRelative({ tenantId, memberId: 'ann', relativeId: 'cal', relation: 'sibling' })
    // Hold one of ann's links so her erasure, once it has marked her erased, waits to delete her links.
    let release = () => {}
    const held = new Promise<void>((r) => {
      release = r
    })
    let holding = false
    const holder = database.client.begin(async (sql) => {
      await sql`select 1 from cm_relatives where tenant_id = ${tenantId} and member_id = 'cal' and relative_id = 'ann' for update`
      holding = true
      await held
    })
    await until(() => holding, 'the link to be held')
    const erasure = settled(t.community.eraseMember({ tenantId, memberId: 'ann', actor: 'key_admin' }))
    await until(async () => (await waiting('delete from "cm_relatives"')) > 0, 'the erasure to reach the links')

    // Ann is erased but not yet committed: the link must not be written on the strength of her old status.
    const link = settled(t.community.addRelative({ tenantId, memberId: 'bea', relativeId: 'ann', relation: 'spouse' }))
    await until(async () => link.done || (await waiting('select')) > 0, 'the link to finish or wait')
    release()
    await holder
    await until(() => erasure.done && link.done, 'both to finish')

    expect(erasure.outcome).toMatchObject({ id: 'ann', status: 'erased' })
    expect(link.outcome).toBe('MEMBER_NOT_ACTIVE')
    expect(await t.community.listRelatives({ tenantId, memberId: 'bea' })).toEqual([])
    expect(await t.community.listRelatives({ tenantId, memberId: 'ann' })).toEqual([])
  })
})
