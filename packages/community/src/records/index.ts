/**
 * The hour record use cases, bound to a community context (see community.ts).
 */
import type { CommunityContext, InputOf as Input } from '../context.js'
import { createRecord } from './create.js'
import { adjust, approve, complain, reject } from './decide.js'
import { getRecord, listRecords, recordHistory, recordScopes } from './queries.js'
import { heal, reconcile } from './reconcile.js'

export function recordUseCases(ctx: CommunityContext) {
  return {
    /** Enter hours by hand (marked manual: someone else must approve). Codes: VALIDATION, COMMUNITY_NOT_FOUND, MEMBER_NOT_FOUND, MEMBER_NOT_ACTIVE, RECORD_EXISTS. */
    createRecord: (input: Input<typeof createRecord>) => createRecord(ctx, input),
    /**
     * Approve records: hours, points and lifetime hours posted in one ledger batch; an approved one answers as it is.
     * Hours or points above the policy's storage cap go to the community pool in the same batch, or refuse the record.
     * Who entered a record by hand, or last adjusted it, may not approve it alone. One result per record:
     * RECORD_NOT_FOUND, INVALID_TRANSITION, SECOND_APPROVER_REQUIRED, POLICY_VIOLATION (a cap that refuses excess), or the
     * ledger's refusal (ACCOUNT_FROZEN; CEILING_EXCEEDED when a credit approved elsewhere meanwhile filled the cap…).
     */
    approve: (input: Input<typeof approve>) => approve(ctx, input),
    /** Reject pending records with a reason; a rejected one answers as it is. One result per record: RECORD_NOT_FOUND, INVALID_TRANSITION. */
    reject: (input: Input<typeof reject>) => reject(ctx, input),
    /** Change a pending record's hours (0 to 24), conduct or role, with a reason. Codes: VALIDATION, RECORD_NOT_FOUND, INVALID_TRANSITION. */
    adjust: (input: Input<typeof adjust>) => adjust(ctx, input),
    /**
     * Uphold a complaint: a pending record is rejected, an approved one reversed in the ledger; a rejected or reversed one
     * answers as it is. Codes: VALIDATION, RECORD_NOT_FOUND, and the ledger's INSUFFICIENT_FUNDS when what it credited was spent.
     */
    complain: (input: Input<typeof complain>) => complain(ctx, input),
    /** Codes: RECORD_NOT_FOUND. */
    getRecord: (tenantId: string, recordId: string) => getRecord(ctx, tenantId, recordId),
    /** Newest first, by status, member, activity or grid subtree. Codes: VALIDATION. */
    listRecords: (input: Input<typeof listRecords>) => listRecords(ctx, input),
    /** Each record's member and that member's grid path, for scope checks; unknown ids are left out. */
    recordScopes: (tenantId: string, recordIds: string[]) => recordScopes(ctx, tenantId, recordIds),
    /** Codes: RECORD_NOT_FOUND. */
    recordHistory: (tenantId: string, recordId: string) => recordHistory(ctx, tenantId, recordId),
    /** Every record whose ledger state disagrees with its own. Codes: COMMUNITY_NOT_FOUND. */
    reconcile: (input: Input<typeof reconcile>) => reconcile(ctx, input),
    /** Finish every claimed approval and reversal (after a crash), and every step the ledger holds for a record a refusal put back. Codes: COMMUNITY_NOT_FOUND. */
    heal: (input: Input<typeof heal>) => heal(ctx, input),
  }
}
