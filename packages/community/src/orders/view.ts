/**
 * An order as shown: the resident in full for staff and the resident
 * themselves; for the provider, the name masked and the grid (building) shown,
 * the phone only while the provider has accepted and not finished the order.
 *
 * @example
 * orderView(row, resident, 'provider')   // { resident: { name: '张*明', phone: null, … }, … }
 */
import { formatAmount } from '@timebank/ledger'
import { z } from 'zod'
import { HOURS_SCALE } from '../domain/hours.js'
import { publicName } from '../domain/member.js'
import { OrderPayer, OrderStatus, ProviderType } from '../domain/order.js'
import type { members, orders } from '../storage/schema.js'

export type OrderRow = typeof orders.$inferSelect
type MemberRow = typeof members.$inferSelect

/** Who looks: `full` (staff, the resident) or `provider` (masked). */
export const OrderViewKind = z.enum(['full', 'provider'])
export type OrderViewKind = z.infer<typeof OrderViewKind>

export const OrderOutput = z.object({
  tenantId: z.string(),
  id: z.string(),
  serviceId: z.string(),
  residentId: z.string(),
  resident: z.object({
    name: z.string().describe('Masked for the provider.'),
    phone: z.string().nullable().describe('For the provider only while it has the order accepted.'),
    gridId: z.string().nullable().describe('Where the resident lives (a building or unit grid).'),
  }),
  hours: z.string().describe('Agreed hours, e.g. "1.50".'),
  payer: OrderPayer,
  provider: z.object({ type: ProviderType, id: z.string() }).nullable(),
  status: OrderStatus,
  statusSince: z.date(),
  deadlineAt: z.date().nullable().describe('When the sweep moves it on if nobody acts.'),
  heldAt: z.date().nullable().describe('When the hours were held in the ledger.'),
  settledHours: z.string().nullable().describe('What the provider was paid when settled ("0.00" when released).'),
  note: z.string().nullable(),
  reason: z.string().nullable(),
  createdAt: z.date(),
})
export type Order = z.output<typeof OrderOutput>

/** The provider sees how to reach the resident only while the work is theirs to do. */
const PHONE_VISIBLE: readonly OrderStatus[] = ['accepted', 'completed', 'disputed']

export function orderView(r: OrderRow, resident: MemberRow | undefined, kind: OrderViewKind = 'full'): Order {
  const erased = !resident || resident.status === 'erased'
  const full = kind === 'full'
  const phoneShown = full || PHONE_VISIBLE.includes(r.status as OrderStatus)
  return {
    tenantId: r.tenantId,
    id: r.id,
    serviceId: r.serviceId,
    residentId: r.residentId,
    resident: {
      name: !resident ? '' : full && !erased ? (resident.name ?? '') : publicName(resident),
      phone: erased || !phoneShown ? null : (resident.phone ?? null),
      gridId: resident?.gridId ?? null,
    },
    hours: formatAmount(r.hours, HOURS_SCALE),
    payer: r.payer as OrderPayer,
    provider: r.providerType && r.providerId ? { type: r.providerType as ProviderType, id: r.providerId } : null,
    status: r.status as OrderStatus,
    statusSince: r.statusSince,
    deadlineAt: r.deadlineAt,
    heldAt: r.heldAt,
    settledHours: r.settledHours === null ? null : formatAmount(r.settledHours, HOURS_SCALE),
    note: r.note,
    reason: r.reason,
    createdAt: r.createdAt,
  }
}
