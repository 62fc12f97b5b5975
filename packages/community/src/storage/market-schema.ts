/**
 * The points supermarket's tables: the reward catalogue and the redemptions.
 * Stock and points are not here: they are in the ledger (domain/reward.ts);
 * a redemption row keeps the terms it was requested on (unit price, units,
 * points in all) so its ledger steps are derived from it, and the price at the
 * time stays beside the points the ledger posted.
 */
import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core'

const int8 = (name: string) => bigint(name, { mode: 'bigint' })
const instant = (name: string) => timestamp(name, { withTimezone: true, precision: 6 })

export const rewards = pgTable(
  'cm_rewards',
  {
    tenantId: text('tenant_id').notNull(),
    id: text('id').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    /** Points per unit (POINT, whole). */
    price: int8('price').notNull(),
    active: boolean('active').notNull(),
    /** Days a reserved redemption waits to be picked up before the sweep releases it; null for no deadline. */
    pickupDays: integer('pickup_days'),
    /** The ledger asset of its units (rewardAsset(id)). */
    asset: text('asset').notNull(),
    createdBy: text('created_by').notNull(),
    requestHash: text('request_hash'),
    createdAt: instant('created_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
)

/** reserving → reserved → handed_over | cancelled | expired; reserving → refused. See domain/redemption.ts. */
export const redemptions = pgTable(
  'cm_redemptions',
  {
    tenantId: text('tenant_id').notNull(),
    id: text('id').notNull(),
    rewardId: text('reward_id').notNull(),
    memberId: text('member_id').notNull(),
    quantity: int8('quantity').notNull(),
    /** Points per unit when it was requested. */
    price: int8('price').notNull(),
    /** price × quantity: what the points hold is for. */
    points: int8('points').notNull(),
    status: text('status').notNull(),
    /** The pickup deadline, if the reward had one. */
    expiresAt: instant('expires_at'),
    requestedBy: text('requested_by').notNull(),
    /** Who handed it over or cancelled it ('expiry' for the sweep), and when the ledger did. */
    decidedBy: text('decided_by'),
    decidedAt: instant('decided_at'),
    reason: text('reason'),
    /** The ledger's refusal of a refused redemption, answered again to a retry. */
    refusal: jsonb('refusal'),
    requestHash: text('request_hash'),
    createdAt: instant('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('cm_redemptions_status').on(t.tenantId, t.status, t.expiresAt),
    index('cm_redemptions_member').on(t.tenantId, t.memberId, t.createdAt),
    index('cm_redemptions_reward').on(t.tenantId, t.rewardId, t.status),
  ],
)
