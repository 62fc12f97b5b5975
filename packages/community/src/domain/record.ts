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

/** The states `action` may follow. */
export const statesAllowing = (action: RecordAction): RecordStatus[] => RecordStatus.options.filter((s) => nextStatus(s, action) !== null)

/** The refusal (INVALID_TRANSITION) of `action` on a record in `status`, or null when it may follow. */
export function transitionRefusal(status: RecordStatus, action: RecordAction, recordId?: string): CommunityError | null {
  if (nextStatus(status, action) !== null) return null
  return new CommunityError(CommunityErrorCode.INVALID_TRANSITION, `a ${status} record cannot be ${PAST[action]}`, {
    ...(recordId === undefined ? {} : { recordId }),
    status,
    action,
  })
}

/** The state `action` leads to; INVALID_TRANSITION when it may not follow `status`. */
export function transition(status: RecordStatus, action: RecordAction, recordId?: string): RecordStatus {
  const refusal = transitionRefusal(status, action, recordId)
  if (refusal) throw refusal
  return nextStatus(status, action) as RecordStatus
}

const PAST: Record<RecordAction, string> = {
  adjust: 'adjusted',
  approve: 'approved',
  reject: 'rejected',
  complain: 'complained about',
  finish: 'finished',
}

/**
 * Why `actor` may not approve a pending record alone, or null when they may: who entered it by hand, and
 * who last changed its hours, conduct or role, need someone else to approve it (four eyes on every figure
 * typed in).
 */
export function soleApproverRefusal(
  record: { manual: boolean; createdBy: string; adjustedBy: string | null },
  actor: string,
): 'entered' | 'adjusted' | null {
  if (record.manual && record.createdBy === actor) return 'entered'
  if (record.adjustedBy === actor) return 'adjusted'
  return null
}

/** States in which a record has moved value, or is moving it (the ledger may hold its credit). */
export const CREDITED: readonly RecordStatus[] = ['approving', 'approved', 'reversing', 'reversed']
