/**
 * Scenario 7, embedded: the ledger on a file-backed PGlite in a temp dir,
 * single transfers and batches of 100, against the hand-written SQL transfer
 * (and batch) on the same PGlite and tables. PGlite is one connection, so
 * one caller.
 *
 * @example
 * const p = await setupPglite()
 * const figures = await measurePhase(p.contenders, options)
 * await p.close()
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { type LedgerDatabase, createLedger, migrate } from '@timebank/ledger'
import { drizzle } from 'drizzle-orm/pglite'
import { countConn, countStatements } from '../env/counting.js'
import { idSource, pickPair } from '../fixtures/ids.js'
import { fund, insertMembers } from '../fixtures/members.js'
import type { Contender } from '../figures.js'
import { closedLoop } from '../runner/closed-loop.js'
import { pgliteConn } from '../sql/conn.js'
import { batchTransfers, interactiveTransfer } from '../sql/transfer.js'

export const SCENARIO = '7. embedded (PGlite, file-backed)'
const TENANT = 'embedded'
const MEMBERS = 1024
const BATCH = 100

export interface Pglite {
  contenders: Contender[]
  dir: string
  close(): Promise<void>
}

export async function setupPglite(): Promise<Pglite> {
  const dir = await mkdtemp(join(tmpdir(), 'timebank-bench-pglite-'))
  const pg = new PGlite(join(dir, 'data'))
  const close = async () => {
    await pg.close()
    await rm(dir, { recursive: true, force: true })
  }
  try {
    const db = countStatements(drizzle(pg) as unknown as LedgerDatabase)
    await migrate(db)
    const ledger = createLedger({ db })
    const conn = countConn(pgliteConn(pg))
    await ledger.createTenant({ id: TENANT, name: 'Embedded' })
    const members = await insertMembers(conn, TENANT, 'p', MEMBERS)
    await fund(ledger, TENANT, members, '100000')
    const nextId = idSource('e')
    const one =
      (fn: () => Promise<number>): Contender['round'] =>
      (ms) =>
        closedLoop(1, ms, fn)
    const base = {
      scenario: SCENARIO,
      callers: 1,
      unit: 'transfers/s',
      kind: 'rate',
      memoryNote: 'RSS includes PGlite (WASM, in process)',
    } as const
    const contenders: Contender[] = [
      {
        ...base,
        id: 'pglite.sql-single',
        label: 'SQL transfer, 7 statements in a transaction',
        round: one(async () => {
          const [from, to] = pickPair(members)
          await interactiveTransfer(conn, { tenantId: TENANT, id: nextId(), from, to, amount: 1n })
          return 1
        }),
      },
      {
        ...base,
        id: 'pglite.ledger-single',
        label: 'ledger.transfer',
        baseline: 'pglite.sql-single',
        targets: [{ text: '>= 0.8x hand-written loop on PGlite', min: 0.8 }],
        round: one(async () => {
          const [from, to] = pickPair(members)
          await ledger.transfer({ tenantId: TENANT, id: nextId(), from, to, amount: '0.01' })
          return 1
        }),
      },
      {
        ...base,
        id: `pglite.sql-batch${BATCH}`,
        label: `SQL batch of ${BATCH} transfers`,
        round: one(async () => {
          const items = Array.from({ length: BATCH }, () => {
            const [from, to] = pickPair(members)
            return { id: nextId(), from, to, amount: 1n }
          })
          await batchTransfers(conn, TENANT, items)
          return BATCH
        }),
      },
      {
        ...base,
        id: `pglite.ledger-batch${BATCH}`,
        label: `ledger.batch of ${BATCH} transfers`,
        baseline: `pglite.sql-batch${BATCH}`,
        targets: [{ text: '>= 0.8x hand-written batch on PGlite', min: 0.8 }],
        round: one(async () => {
          const operations = Array.from({ length: BATCH }, () => {
            const [from, to] = pickPair(members)
            return { type: 'transfer' as const, id: nextId(), from, to, amount: '0.01' }
          })
          const r = await ledger.batch({ tenantId: TENANT, operations })
          if (!r.committed) throw new Error('batch refused')
          return BATCH
        }),
      },
    ]
    return { contenders, dir, close }
  } catch (e) {
    await close()
    throw e
  }
}
