/**
 * The micro-wishes' tables: the wish (its state, parties and reward) and its
 * event log (who did what when; the period counts read it). Points are int8
 * whole (POINT, scale 0), instants timestamptz, every key led by tenant_id.
 */
import { bigint, index, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core'

const instant = (name: string) => timestamp(name, { withTimezone: true, precision: 6 })

export const wishes = pgTable(
  'cm_wishes',
  {
    tenantId: text('tenant_id').notNull(),
    id: text('id').notNull(),
    /** The resident the wish is for. */
    posterId: text('poster_id').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull(),
    /** Where the wish is (the poster's grid by default); staff scope and lists go by it. */
    gridId: text('grid_id'),
    deadline: instant('deadline'),
    /** Points rewarded on confirmation; null for none. */
    rewardPoints: bigint('reward_points', { mode: 'bigint' }),
    /** The ledger account the reward is held from (an organisation's POINT account, or the pool). */
    sponsorAccount: text('sponsor_account'),
    /** organisation | pool */
    sponsorType: text('sponsor_type'),
    sponsorId: text('sponsor_id'),
    /** See WishStatus (domain/wish.ts). */
    status: text('status').notNull(),
    /** While in an intent (confirming, cancelling, expiring): the state a ledger refusal puts it back in. */
    resumeStatus: text('resume_status'),
    claimantId: text('claimant_id'),
    claimedAt: instant('claimed_at'),
    fulfilledAt: instant('fulfilled_at'),
    fulfilNote: text('fulfil_note'),
    /** When it was confirmed, cancelled or expired, by whom and why. */
    closedAt: instant('closed_at'),
    closedBy: text('closed_by'),
    reason: text('reason'),
    createdBy: text('created_by').notNull(),
    requestHash: text('request_hash').notNull(),
    createdAt: instant('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('cm_wishes_status').on(t.tenantId, t.status, t.createdAt),
    index('cm_wishes_created').on(t.tenantId, t.createdAt, t.id),
    index('cm_wishes_deadline').on(t.tenantId, t.deadline),
  ],
)

export const wishEvents = pgTable(
  'cm_wish_events',
  {
    tenantId: text('tenant_id').notNull(),
    wishId: text('wish_id').notNull(),
    seq: bigint('seq', { mode: 'bigint' }).generatedAlwaysAsIdentity(),
    /** published | claimed | released | fulfilled | confirmed | cancelled | expired | refused */
    action: text('action').notNull(),
    actor: text('actor').notNull(),
    at: instant('at').notNull(),
    detail: jsonb('detail').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.wishId, t.seq] }), index('cm_wish_events_action').on(t.tenantId, t.action, t.at)],
)
