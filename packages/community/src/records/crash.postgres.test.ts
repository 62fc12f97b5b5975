/**
 * Workflow and ledger stay in step without a shared transaction: a process
 * killed (SIGKILL) between a record's ledger step and its own update, or
 * between claiming the record and the ledger step, leaves the record
 * `approving` or `reversing`; reconcile lists it, heal finishes it, and the
 * ledger holds each credit exactly once.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { type IsolatedDatabase, connectIsolated, testDatabaseUrl } from '@timebank/ledger/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate } from '../migrate.js'
import { activeMembers, posted } from '../testing/members.js'
import { communityOn } from '../testing/pglite.js'

const CHILD = fileURLToPath(new URL('../testing/crash-child.ts', import.meta.url))
let database: IsolatedDatabase
let t: Awaited<ReturnType<typeof communityOn>>

beforeAll(async () => {
  database = await connectIsolated(testDatabaseUrl(), { prefix: 'cm_crash' })
  await migrate(database.db)
  t = await communityOn(database.db, { start: new Date() })
  await activeMembers(t, ['ana'])
})
afterAll(() => database?.close())

/** Run the child to its death; resolves with how it ended. */
function crash(env: Record<string, string>): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--conditions=@timebank/source', '--import', 'tsx', CHILD], {
      env: { ...process.env, DATABASE_URL: testDatabaseUrl(), SCHEMA: database.schema, TENANT: t.tenantId, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (d) => {
      stderr += String(d)
    })
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }))
  })
}

async function newRecord(id: string) {
  await t.community.createRecord({
    tenantId: t.tenantId,
    id,
    memberId: 'ana',
    kind: 'elder-visit',
    startedAt: new Date(Date.now() - 7200_000),
    endedAt: new Date(),
    hours: '2',
    actor: 'staff-a',
  })
}

describe('a process killed in the middle of a step', () => {
  for (const kill of ['after', 'before'] as const) {
    it(`${kill} the ledger write of an approval: reconcile lists the record, heal credits it exactly once`, async () => {
      const id = `crash-approve-${kill}`
      await newRecord(id)
      const hoursBefore = await posted(t, 'ana', 'HOUR')
      const died = await crash({ RECORD: id, ACTION: 'approve', KILL: kill })
      expect(died.signal, died.stderr).toBe('SIGKILL')
      expect((await t.community.getRecord(t.tenantId, id)).status).toBe('approving')
      const credited = await t.ledger.getTransfer({ tenantId: t.tenantId, transferId: `hours:${id}` }).then(
        () => true,
        () => false,
      )
      expect(credited).toBe(kill === 'after')
      expect(await t.community.reconcile({ tenantId: t.tenantId })).toEqual([{ recordId: id, status: 'approving', kind: 'unfinished' }])

      expect(await t.community.heal({ tenantId: t.tenantId, actor: 'reconcile' })).toEqual({ approved: 1, reversed: 0, refused: 0 })
      expect(await t.community.getRecord(t.tenantId, id)).toMatchObject({ status: 'approved', decidedBy: 'staff-crash' })
      expect(Number(await posted(t, 'ana', 'HOUR')) - Number(hoursBefore)).toBeCloseTo(2)
      expect(await t.community.reconcile({ tenantId: t.tenantId })).toEqual([])
      expect(await t.community.heal({ tenantId: t.tenantId, actor: 'reconcile' })).toEqual({ approved: 0, reversed: 0, refused: 0 })
    })
  }

  it('after the ledger write of a complaint reversal: heal finishes the reversal once', async () => {
    const id = 'crash-complain'
    await newRecord(id)
    await t.community.approve({ tenantId: t.tenantId, recordIds: [id], actor: 'staff-b' })
    const hoursBefore = await posted(t, 'ana', 'HOUR')
    const died = await crash({ RECORD: id, ACTION: 'complain', KILL: 'after' })
    expect(died.signal, died.stderr).toBe('SIGKILL')
    expect(await t.community.reconcile({ tenantId: t.tenantId })).toEqual([{ recordId: id, status: 'reversing', kind: 'unfinished' }])
    expect(await t.community.heal({ tenantId: t.tenantId, actor: 'reconcile' })).toEqual({ approved: 0, reversed: 1, refused: 0 })
    expect((await t.community.getRecord(t.tenantId, id)).status).toBe('reversed')
    expect(Number(hoursBefore) - Number(await posted(t, 'ana', 'HOUR'))).toBeCloseTo(2)
    expect(await t.community.reconcile({ tenantId: t.tenantId })).toEqual([])
  })
})
