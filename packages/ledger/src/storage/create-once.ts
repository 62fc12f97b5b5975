/**
 * Create something named by a client id, once: the storage side of the one
 * idempotency rule (domain/idempotency.ts), for every write that takes a
 * client id. Inside the write's own transaction: insert unless the id is
 * taken; when it is, read the holder's request fingerprint: the same makes
 * this write a replay of it, any other a conflict. A concurrent creator of the
 * same id makes the insert wait for its commit, so the holder is then found.
 *
 * @example
 * const { row, replayed } = await createOnce({
 *   hash: requestHash(definition),
 *   insert: () => insertUnlessTaken(tx, definition),   // the new row, or undefined
 *   existing: () => readHolder(tx, id),                 // { row, requestHash }
 *   conflict: () => new LedgerError('ACCOUNT_EXISTS', …),
 * })
 */
import { sameRequest } from '../domain/idempotency.js'

export interface CreateOnceStep<R> {
  /** Fingerprint of this request (requestHash of its normalized form). */
  hash: string
  /** Insert unless the id is taken (`on conflict do nothing returning …`): the new row, or undefined. */
  insert: () => Promise<R | undefined>
  /** The row holding the id, with the fingerprint stored with it. */
  existing: () => Promise<{ row: R; requestHash: string | null } | undefined>
  /** The error for the same id used by another request. */
  conflict: () => Error
}

export async function createOnce<R>(step: CreateOnceStep<R>): Promise<{ row: R; replayed: boolean }> {
  const created = await step.insert()
  if (created !== undefined) return { row: created, replayed: false }
  const holder = await step.existing()
  // Nothing is ever deleted, so a taken id has a holder; without one, something else is wrong.
  if (!holder) throw new Error('an insert found its id taken, but no row holds it')
  if (!sameRequest(holder.requestHash, step.hash)) throw step.conflict()
  return { row: holder.row, replayed: true }
}
