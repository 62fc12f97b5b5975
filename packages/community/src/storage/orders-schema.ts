/**
 * The service catalogue and service orders (居民点单、社区下单、单位接单): the
 * services a community offers with their agreed hours, the orders residents
 * place, and what happened to each order. Hours are int8 hundredths (HOUR's
 * scale); every key is led by tenant_id.
 */
import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core'

const int8 = (name: string) => bigint(name, { mode: 'bigint' })
const instant = (name: string) => timestamp(name, { withTimezone: true, precision: 6 })

/** What residents may order, and the hours one order of it moves from the payer to the provider. */
export const services = pgTable(
  'cm_services',
  {
    tenantId: text('tenant_id').notNull(),
    id: text('id').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull(),
    /** Agreed hours per order, hundredths. */
    hours: int8('hours').notNull(),
    active: boolean('active').notNull(),
    /** Hours per state overriding the community's `orderDeadlineHours` (OrderDeadlines, partial); {} for none. */
    deadlineHours: jsonb('deadline_hours').notNull(),
    createdBy: text('created_by').notNull(),
    requestHash: text('request_hash'),
    createdAt: instant('created_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
)

/**
 * Orders: ordered → dispatched → accepting → accepted → completed → settling → confirmed, with refusal,
 * cancellation, disputes and timeouts (domain/order.ts). `accepting` and `settling` are claimed intents:
 * the ledger step they name may or may not have run, and running it again is safe.
 */
export const orders = pgTable(
  'cm_orders',
  {
    tenantId: text('tenant_id').notNull(),
    id: text('id').notNull(),
    serviceId: text('service_id').notNull(),
    residentId: text('resident_id').notNull(),
    /** Agreed hours, hundredths, fixed when ordered. */
    hours: int8('hours').notNull(),
    /** resident | pool */
    payer: text('payer').notNull(),
    /** member | organisation; null until dispatched. */
    providerType: text('provider_type'),
    providerId: text('provider_id'),
    status: text('status').notNull(),
    statusSince: instant('status_since').notNull(),
    /** When the sweep moves it on; null in a state without a deadline. */
    deadlineAt: instant('deadline_at'),
    /** The deadlines in force for this order (the community's, overridden by the service's), fixed when ordered. */
    deadlineHours: jsonb('deadline_hours').notNull(),
    /** While settling: post | void, the amount to post (hundredths), the state it ends in and the one it came from. */
    settleKind: text('settle_kind'),
    settleAmount: int8('settle_amount'),
    settleTo: text('settle_to'),
    settleFrom: text('settle_from'),
    /** When the ledger placed the hold; null when it never did. */
    heldAt: instant('held_at'),
    /** What the ledger posted to the provider when settled (0 for a void), hundredths. */
    settledHours: int8('settled_hours'),
    note: text('note'),
    /** Bumped by every change: a step changes the order only as it read it (two at once: one wins). */
    version: integer('version').notNull(),
    /** Fingerprint of the last step asked (action, actor, arguments): the same step again answers as it is. */
    lastRequest: text('last_request'),
    /** Why it was cancelled, disputed or resolved so. */
    reason: text('reason'),
    createdBy: text('created_by').notNull(),
    requestHash: text('request_hash'),
    createdAt: instant('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('cm_orders_due').on(t.tenantId, t.deadlineAt),
    index('cm_orders_status').on(t.tenantId, t.status),
    index('cm_orders_resident').on(t.tenantId, t.residentId),
    index('cm_orders_provider').on(t.tenantId, t.providerType, t.providerId),
  ],
)

/** What happened to an order, who did it and why. */
export const orderEvents = pgTable(
  'cm_order_events',
  {
    tenantId: text('tenant_id').notNull(),
    orderId: text('order_id').notNull(),
    seq: int8('seq').generatedAlwaysAsIdentity(),
    action: text('action').notNull(),
    actor: text('actor').notNull(),
    at: instant('at').notNull(),
    detail: jsonb('detail').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.orderId, t.seq] })],
)
