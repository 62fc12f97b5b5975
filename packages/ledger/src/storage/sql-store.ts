/**
 * The Store over drizzle + PostgreSQL (PGlite or a server), assembled from one
 * module per concern: tenants and assets, accounts, reads, holds, and the two
 * write paths. Plain moves (a single earn/transfer/redeem, or a batch of them)
 * go in one round trip (one-trip.ts), concurrent single ones coalesced;
 * everything else, and whatever that path cannot vouch for, takes the full
 * path (full-path.ts). Retryable conflicts are retried here (retry.ts).
 *
 * @example
 * const store = createSqlStore(db, { prepare: true })
 */
import { ErrorCode, LedgerError, isPlainMove } from '../domain/index.js'
import { accountStore } from './accounts.js'
import { type LedgerDatabase, constraintOf, runnerFor, sqlState } from './driver.js'
import { createFacts } from './facts.js'
import { commitOnce } from './full-path.js'
import { expireHolds } from './holds.js'
import { checkpointAuthentic } from '../domain/checkpoint.js'
import { latestCheckpoint, takeCheckpoint } from './checkpoints.js'
import { chainKey, verifyJournal } from './journal.js'
import { limitStore } from './limits.js'
import { createOneTrip } from './one-trip.js'
import { readStore } from './reads.js'
import { RetryConflict, withRetry } from './retry.js'
import type { Store } from './store.js'
import { tenantStore } from './tenants.js'

/** The primary key of transfers: a violation means an id was taken concurrently. */
const TRANSFER_KEY = 'tb_transfers_tenant_id_id_pk'

export interface SqlStoreOptions {
  /** Run statements as prepared statements on postgres.js (default true). */
  prepare?: boolean
  /** Single plain moves sent to storage at once; more concurrent ones wait and go together (default 4; 1 on PGlite). */
  writeConcurrency?: number
}

export function createSqlStore(database: LedgerDatabase, options: SqlStoreOptions = {}): Store {
  const db = runnerFor(database, options)
  const facts = createFacts()
  const ctx = { db, facts }
  const oneTrip = createOneTrip({ db, facts, writeConcurrency: options.writeConcurrency })

  return {
    ...tenantStore(ctx),
    ...accountStore(ctx),
    ...limitStore(ctx),
    ...readStore(ctx),

    async commit(tenantId, ops, hashes, now) {
      const [op] = ops
      let once =
        op && ops.length === 1 && isPlainMove(op)
          ? await oneTrip.single({ tenantId, op, hash: hashes[0] ?? '', now })
          : await oneTrip.movesAtOnce(tenantId, ops, hashes, now)
      if (once === 'alone') once = await oneTrip.movesAtOnce(tenantId, ops, hashes, now)
      if (once !== null) return once
      return withRetry(async () => {
        try {
          return await db.transaction((tx) => commitOnce(tx, { facts, concurrent: db.concurrent }, { tenantId, ops, hashes, now }))
        } catch (e) {
          const state = sqlState(e)
          // Someone committed one of these ids after we looked: look again, as a replay or a conflict.
          if (state === '23505' && (constraintOf(e) ?? TRANSFER_KEY) === TRANSFER_KEY) throw new RetryConflict()
          if (state === '22003') {
            throw new LedgerError(ErrorCode.BALANCE_OVERFLOW, 'a balance would leave the range the ledger can hold', undefined, {
              cause: e,
            })
          }
          throw e
        }
      })
    },

    expireHolds: (tenantId, now, limit) => expireHolds(db, facts, tenantId, now, limit),
    async verifyJournal(tenantId, publicKey) {
      if (!publicKey) return verifyJournal(db, tenantId)
      const latest = await latestCheckpoint(db, tenantId)
      if (!latest) return { ...(await verifyJournal(db, tenantId)), checkpoint: null }
      const authentic = checkpointAuthentic(latest.body, latest.leaves, latest.signature, publicKey)
      // A checkpoint that is not authentic vouches for nothing: the chains are checked on their own.
      const heads = new Map(latest.leaves.map((l) => [chainKey(l.accountId, l.shard), { hash: l.head, count: l.count }]))
      const verdict = await verifyJournal(db, tenantId, authentic ? { checkpoint: heads } : {})
      const checkpoint = { number: latest.body.number.toString(), at: latest.at, root: latest.body.root, authentic }
      return { ...verdict, ok: verdict.ok && authentic, checkpoint }
    },

    async checkpoint(tenantId, privateKey, now) {
      const { body, at, signature } = await takeCheckpoint(db, tenantId, privateKey, now)
      return {
        tenantId,
        number: body.number.toString(),
        at,
        root: body.root,
        previousRoot: body.previousRoot,
        chains: body.chains,
        entries: body.entries.toString(),
        signature,
      }
    },
  }
}
