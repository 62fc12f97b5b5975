/**
 * The ledger's tables. Every key is led by tenant_id so the schema can be
 * distributed by tenant later. Transfers and entries are append-only: only
 * balance rows and a hold's status/resolved_at are ever updated. Entries are
 * chained per balance row (domain/chain.ts), so a change made around the
 * ledger shows.
 */
import { sql } from 'drizzle-orm'
import { bigint, boolean, customType, index, jsonb, pgTable, primaryKey, smallint, text, timestamp } from 'drizzle-orm/pg-core'

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' })
const int8 = (name: string) => bigint(name, { mode: 'bigint' })
const instant = (name: string) => timestamp(name, { withTimezone: true, precision: 6 })

export const tenants = pgTable('tb_tenants', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** Fingerprint of the creating request (see domain/idempotency.ts); null on rows made before 0.2. */
  requestHash: text('request_hash'),
  createdAt: instant('created_at').notNull().defaultNow(),
})

export const assets = pgTable(
  'tb_assets',
  {
    tenantId: text('tenant_id').notNull(),
    code: text('code').notNull(),
    scale: smallint('scale').notNull(),
    name: text('name').notNull(),
    requestHash: text('request_hash'),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.code] })],
)

export const accounts = pgTable(
  'tb_accounts',
  {
    tenantId: text('tenant_id').notNull(),
    id: text('id').notNull(),
    asset: text('asset').notNull(),
    ownerType: text('owner_type').notNull(),
    ownerId: text('owner_id').notNull(),
    kind: text('kind').notNull(),
    floor: int8('floor'),
    ceiling: int8('ceiling'),
    /** Number of balance rows: 1, or more for unbounded (hot) accounts. */
    shards: smallint('shards').notNull(),
    metadata: jsonb('metadata').notNull().default(sql`'{}'::jsonb`),
    requestHash: text('request_hash'),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('tb_accounts_owner').on(t.tenantId, t.ownerType, t.ownerId, t.id)],
)

/** Stored balances: one row per account, or one per shard for hot accounts. Status lives here so the row lock guards it. */
export const balances = pgTable(
  'tb_balances',
  {
    tenantId: text('tenant_id').notNull(),
    accountId: text('account_id').notNull(),
    shard: smallint('shard').notNull(),
    status: text('status').notNull(),
    posted: int8('posted').notNull().default(sql`0`),
    pendingOut: int8('pending_out').notNull().default(sql`0`),
    pendingIn: int8('pending_in').notNull().default(sql`0`),
    /** Time of the last write; the next one is never stamped earlier, so as-of reads stay exact across clocks. */
    lastWriteAt: instant('last_write_at'),
    /** Hash of the last entry written under this row (domain/chain.ts); null before the first. */
    chainHead: bytea('chain_head'),
    /** Entries written under this row. */
    chainCount: int8('chain_count').notNull().default(sql`0`),
    /** The limits in force (shard 0 of a bounded account), read under the row lock by every writer; changed only under it. */
    floor: int8('floor'),
    ceiling: int8('ceiling'),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.accountId, t.shard] })],
)

export const transfers = pgTable(
  'tb_transfers',
  {
    tenantId: text('tenant_id').notNull(),
    id: text('id').notNull(),
    type: text('type').notNull(),
    fromAccount: text('from_account').notNull(),
    toAccount: text('to_account').notNull(),
    asset: text('asset').notNull(),
    amount: int8('amount').notNull(),
    pending: boolean('pending').notNull(),
    status: text('status').notNull(),
    pendingId: text('pending_id'),
    reversesId: text('reverses_id'),
    expiresAt: instant('expires_at'),
    resolvedAt: instant('resolved_at'),
    requestHash: text('request_hash').notNull(),
    metadata: jsonb('metadata').notNull(),
    createdAt: instant('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('tb_transfers_reverses').on(t.tenantId, t.reversesId).where(sql`reverses_id is not null`),
    index('tb_transfers_holds_from').on(t.tenantId, t.fromAccount, t.createdAt).where(sql`pending`),
    index('tb_transfers_holds_to').on(t.tenantId, t.toAccount, t.createdAt).where(sql`pending`),
    index('tb_transfers_open_holds').on(t.tenantId, t.expiresAt).where(sql`status = 'pending'`),
  ],
)

export const entries = pgTable(
  'tb_entries',
  {
    tenantId: text('tenant_id').notNull(),
    accountId: text('account_id').notNull(),
    seq: bigint('seq', { mode: 'bigint' }).generatedAlwaysAsIdentity(),
    transferId: text('transfer_id').notNull(),
    amount: int8('amount').notNull(),
    balanceAfter: int8('balance_after'),
    createdAt: instant('created_at').notNull(),
    /** The balance row (shard) the entry was written under: its chain. */
    shard: smallint('shard').notNull().default(0),
    /** SHA-256 over the entry and the previous hash of its chain (domain/chain.ts). */
    hash: bytea('hash'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.accountId, t.seq] }),
    index('tb_entries_at').on(t.tenantId, t.accountId, t.createdAt, t.seq),
  ],
)

/** Balance rows of an unbounded (hot) account: concurrent writers pick one at random. (tb_move, migration 0003, assumes 16.) */
export const SHARDS = 16

/** Signed checkpoints (domain/checkpoint.ts): a Merkle root over every chain's head, per tenant, numbered 1, 2, … */
export const checkpoints = pgTable(
  'tb_checkpoints',
  {
    tenantId: text('tenant_id').notNull(),
    number: int8('number').notNull(),
    at: instant('at').notNull(),
    root: bytea('root').notNull(),
    previousRoot: bytea('previous_root'),
    chains: int8('chains').notNull(),
    entries: int8('entries').notNull(),
    /** Ed25519 over the checkpoint's canonical text, base64url. */
    signature: text('signature').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.number] })],
)

/** The leaves of each checkpoint: every chain's head and length when it was taken. */
export const checkpointHeads = pgTable(
  'tb_checkpoint_heads',
  {
    tenantId: text('tenant_id').notNull(),
    checkpoint: int8('checkpoint').notNull(),
    accountId: text('account_id').notNull(),
    shard: smallint('shard').notNull(),
    head: bytea('head'),
    count: int8('count').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.checkpoint, t.accountId, t.shard] })],
)

/** Every change of an account's floor and ceiling (changeLimits): the limits before and after, who, why, when. */
export const accountLimitChanges = pgTable(
  'tb_account_limit_changes',
  {
    tenantId: text('tenant_id').notNull(),
    /** Client-chosen id: the same change again replays. */
    id: text('id').notNull(),
    accountId: text('account_id').notNull(),
    /** Order of changes (newest first in listings); instants may tie. */
    seq: bigint('seq', { mode: 'bigint' }).generatedAlwaysAsIdentity(),
    floorBefore: int8('floor_before'),
    ceilingBefore: int8('ceiling_before'),
    floor: int8('floor'),
    ceiling: int8('ceiling'),
    actor: text('actor'),
    reason: text('reason'),
    requestHash: text('request_hash').notNull(),
    createdAt: instant('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('tb_account_limit_changes_account').on(t.tenantId, t.accountId, t.seq)],
)
