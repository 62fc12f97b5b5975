/**
 * Rewards and redemptions as the community shows them: points and units as
 * whole-number text, instants as Dates.
 */
import { z } from 'zod'
import { RedemptionStatus } from '../domain/redemption.js'
import type { redemptions, rewards } from '../storage/market-schema.js'

export type RewardRow = typeof rewards.$inferSelect
export type RedemptionRow = typeof redemptions.$inferSelect

export const RewardOutput = z.object({
  tenantId: z.string(),
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  price: z.string().describe('Points per unit, e.g. "120".'),
  active: z.boolean().describe('On the catalogue: takes redemptions.'),
  pickupDays: z.number().int().nullable().describe('Days a reservation waits to be picked up; null for no deadline.'),
  asset: z.string().describe('The ledger asset holding its units.'),
  createdBy: z.string(),
  createdAt: z.date(),
  updatedAt: z.date(),
})
export type Reward = z.output<typeof RewardOutput>

export const RedemptionOutput = z.object({
  tenantId: z.string(),
  id: z.string(),
  rewardId: z.string(),
  memberId: z.string(),
  quantity: z.string().describe('Units.'),
  price: z.string().describe('Points per unit when it was requested.'),
  points: z.string().describe('Points in all: price × quantity.'),
  status: RedemptionStatus,
  expiresAt: z.date().nullable().describe('Pickup deadline: after it the sweep releases the points and the units.'),
  requestedBy: z.string(),
  decidedBy: z.string().nullable(),
  decidedAt: z.date().nullable(),
  reason: z.string().nullable(),
  createdAt: z.date(),
})
export type Redemption = z.output<typeof RedemptionOutput>

export const rewardView = (r: RewardRow): Reward => ({
  tenantId: r.tenantId,
  id: r.id,
  name: r.name,
  description: r.description,
  price: r.price.toString(),
  active: r.active,
  pickupDays: r.pickupDays,
  asset: r.asset,
  createdBy: r.createdBy,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
})

export const redemptionView = (r: RedemptionRow): Redemption => ({
  tenantId: r.tenantId,
  id: r.id,
  rewardId: r.rewardId,
  memberId: r.memberId,
  quantity: r.quantity.toString(),
  price: r.price.toString(),
  points: r.points.toString(),
  status: r.status as RedemptionStatus,
  expiresAt: r.expiresAt,
  requestedBy: r.requestedBy,
  decidedBy: r.decidedBy,
  decidedAt: r.decidedAt,
  reason: r.reason,
  createdAt: r.createdAt,
})
