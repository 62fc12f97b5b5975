/**
 * `createCommunity({ db, ledger })`: a community's use cases over its own
 * tables and the ledger's public interface, the same shape as `createLedger`.
 * Each part binds its use cases to one context; every input is validated with
 * an exported zod schema and every refusal is a CommunityError (or the
 * ledger's own LedgerError) with a stable code.
 *
 * @example
 * const db = drizzle(new PGlite())
 * await migrate(db)                       // the ledger's tables and the community's
 * const ledger = createLedger({ db })
 * const community = createCommunity({ db, ledger })
 * await community.setUp({ tenantId: 'maple', name: 'Maple Street' })
 */
import type { Ledger, LedgerDatabase } from '@timebank/ledger'
import { activityUseCases } from './activities/index.js'
import { certificateUseCases } from './certificates/index.js'
import { createContext } from './context.js'
import { sweepAllDeadlines } from './deadlines.js'
import { giftUseCases } from './gifts/index.js'
import { expiryUseCases } from './expiry/index.js'
import { gridUseCases } from './grids/index.js'
import { journalUseCases } from './journal.js'
import { marketUseCases } from './market/index.js'
import { memberUseCases } from './members/index.js'
import { organisationUseCases } from './organisations/index.js'
import { orderUseCases } from './orders/index.js'
import { recognitionUseCases } from './recognition/index.js'
import { recordUseCases } from './records/index.js'
import { changePolicy, getPolicy, listPolicies } from './policies.js'
import { serviceUseCases } from './services/index.js'
import { addRule, getRule, listRules } from './rules.js'
import { summaryUseCases } from './summary/index.js'
import { wishUseCases } from './wishes/index.js'
import { type SetUpInput, getCommunity, setUp, type UpdateSettingsInput, updateSettings } from './setup.js'
import type { z } from 'zod'

export interface CommunityOptions {
  /** The ledger's database (migrated with this package's `migrate`). */
  db: LedgerDatabase
  /** The ledger over the same database; the community uses nothing else of it. */
  ledger: Ledger
  /** Source of "now"; injectable for tests. */
  clock?: () => Date
}

export function createCommunity(options: CommunityOptions) {
  const ctx = createContext(options)
  return {
    /** Set up a community on a tenant (made when missing), idempotently. Codes: VALIDATION. */
    setUp: (input: SetUpInput) => setUp(ctx, input),
    /** Codes: COMMUNITY_NOT_FOUND. */
    getCommunity: (tenantId: string) => getCommunity(ctx, tenantId),
    /** Change some settings. Codes: VALIDATION, COMMUNITY_NOT_FOUND. */
    updateSettings: (input: z.input<typeof UpdateSettingsInput>) => updateSettings(ctx, input),
    /** Every points rule version, newest first. Codes: COMMUNITY_NOT_FOUND. */
    listRules: (tenantId: string) => listRules(ctx, tenantId),
    /** One version, or the one in force. Codes: RULE_NOT_FOUND. */
    getRule: (tenantId: string, version?: number) => getRule(ctx, tenantId, version),
    /** A new version of the points rule, in force from now. Codes: VALIDATION, COMMUNITY_NOT_FOUND. */
    addRule: (input: Parameters<typeof addRule>[1]) => addRule(ctx, input),
    /** Every policy version, newest first. Codes: COMMUNITY_NOT_FOUND. */
    listPolicies: (tenantId: string) => listPolicies(ctx, tenantId),
    /** One version, or the one in force. Codes: POLICY_NOT_FOUND. */
    getPolicy: (tenantId: string, version?: number) => getPolicy(ctx, tenantId, version),
    /** A new policy version, in force from now (other processes within seconds). Codes: VALIDATION, COMMUNITY_NOT_FOUND. */
    changePolicy: (input: Parameters<typeof changePolicy>[1]) => changePolicy(ctx, input),
    /**
     * Every community's deadlines at once: wishes, orders and redemptions past theirs, and (with `points`) points the
     * policy says are due; idempotent. A community's failure is in its outcome, not thrown.
     */
    sweepAllDeadlines: (options: { points: boolean }) => sweepAllDeadlines(ctx, options),
    ...giftUseCases(ctx),
    ...recordUseCases(ctx),
    ...memberUseCases(ctx),
    ...gridUseCases(ctx),
    ...organisationUseCases(ctx),
    ...activityUseCases(ctx),
    ...recognitionUseCases(ctx),
    ...certificateUseCases(ctx),
    ...journalUseCases(ctx),
    ...expiryUseCases(ctx),
    ...serviceUseCases(ctx),
    ...orderUseCases(ctx),
    ...wishUseCases(ctx),
    ...marketUseCases(ctx),
    ...summaryUseCases(ctx),
  }
}

/** The community's use cases, as `createCommunity` returns them. */
export type Community = ReturnType<typeof createCommunity>
