/**
 * The hour record's state machine, the one place that says which action may
 * follow which state. `approving` and `reversing` are intents claimed before
 * the ledger step runs: a record in them is finished by running the step
 * again (the ledger replays it), never by starting over.
 *
 *   pending ──adjust──▶ pending
 *   pending ──approve──▶ approving ──finish──▶ approved ──complain──▶ reversing ──finish──▶ reversed
 *   pending ──reject / complain──▶ rejected
 *
 * @example
 * const next = transition('pending', 'approve') // 'approving'
 */
import { z } from 'zod'
import { CommunityError, CommunityErrorCode } from './errors.js'

export const RecordStatus = z.enum(['pending', 'approving', 'approved', 'rejected', 'reversing', 'reversed'])
export type RecordStatus = z.infer<typeof RecordStatus>

export type RecordAction = 'adjust' | 'approve' | 'reject' | 'complain' | 'finish'

const NEXT: Record<RecordStatus, Partial<Record<RecordAction, RecordStatus>>> = {
  pending: { adjust: 'pending', approve: 'approving', reject: 'rejected', complain: 'rejected' },
  approving: { finish: 'approved' },
  approved: { complain: 'reversing' },
  reversing: { finish: 'reversed' },
  rejected: {},
  reversed: {},
}

/** The state `action` leads to from `status`, or null when it may not follow it. */
export function nextStatus(status: RecordStatus, action: RecordAction): RecordStatus | null {
  return NEXT[status][action] ?? null
}

/** The state `action` leads to; INVALID_TRANSITION when it may not follow `status`. */
export function transition(status: RecordStatus, action: RecordAction, recordId?: string): RecordStatus {
  const next = nextStatus(status, action)
  if (next === null) {
    throw new CommunityError(CommunityErrorCode.INVALID_TRANSITION, `a ${status} record cannot be ${PAST[action]}`, {
      ...(recordId === undefined ? {} : { recordId }),
      status,
      action,
    })
  }
  return next
}

const PAST: Record<RecordAction, string> = {
  adjust: 'adjusted',
  approve: 'approved',
  reject: 'rejected',
  complain: 'complained about',
  finish: 'finished',
}

/** States in which a record has moved value, or is moving it (the ledger may hold its credit). */
export const CREDITED: readonly RecordStatus[] = ['approving', 'approved', 'reversing', 'reversed']
/** States no action leaves. */
export const FINAL: readonly RecordStatus[] = ['rejected', 'reversed']
