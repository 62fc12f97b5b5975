/**
 * The API's own tables, beside the ledger's and never inside them: API keys
 * (stored as SHA-256 hashes only), a few settings such as which tenant is
 * the operator, and (users/schema.ts) users, sessions and sign-in links. Keys are led by tenant_id like every ledger table; the only
 * other index is on the hash, which is how a bearer token is looked up.
 */
import { sql } from 'drizzle-orm'
import type { Migration } from '@timebank/ledger/kit'
import { pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'
import { USER_MIGRATIONS } from '../users/schema.js'

const instant = (name: string) => timestamp(name, { withTimezone: true, precision: 6 })

export const apiKeys = pgTable(
  'tb_api_keys',
  {
    tenantId: text('tenant_id').notNull(),
    id: text('id').notNull(),
    name: text('name').notNull(),
    /** admin | staff | member */
    role: text('role').notNull(),
    /** For member keys: the owner whose accounts the key may use. */
    ownerType: text('owner_type'),
    ownerId: text('owner_id'),
    /** Hex SHA-256 of the whole secret; the secret itself is never stored. */
    secretHash: text('secret_hash').notNull(),
    /** The first characters of the secret, to tell keys apart in lists. */
    start: text('start').notNull(),
    createdAt: instant('created_at').notNull().defaultNow(),
    /** Id of the key that created this one; null for keys made at start-up. */
    createdBy: text('created_by'),
    revokedAt: instant('revoked_at'),
    /** Staff keys scoped to a grid subtree: the grid's id. */
    gridId: text('grid_id'),
    /** The Idempotency-Key the key was created with, and a hash of that request. */
    idempotencyKey: text('idempotency_key'),
    requestHash: text('request_hash'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('tb_api_keys_secret').on(t.secretHash),
    uniqueIndex('tb_api_keys_idempotency').on(t.tenantId, t.idempotencyKey).where(sql`idempotency_key is not null`),
  ],
)

export const apiSettings = pgTable('tb_api_settings', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
})

/**
 * Numbered migrations for the tables above, applied in order, once each, by
 * the ledger's migration runner (scope `api`).
 */
export const API_MIGRATIONS: Migration[] = [
  {
    tag: 'api_0000_keys',
    sql: `
      create table tb_api_keys (
        tenant_id text not null,
        id text not null,
        name text not null,
        role text not null check (role in ('admin', 'staff', 'member')),
        owner_type text,
        owner_id text,
        secret_hash text not null,
        start text not null,
        created_at timestamp (6) with time zone not null default now(),
        created_by text,
        revoked_at timestamp (6) with time zone,
        idempotency_key text,
        request_hash text,
        constraint tb_api_keys_pk primary key (tenant_id, id),
        constraint tb_api_keys_member_owner check ((role = 'member') = (owner_type is not null and owner_id is not null))
      );
      --> statement-breakpoint
      create unique index tb_api_keys_secret on tb_api_keys (secret_hash);
      --> statement-breakpoint
      create unique index tb_api_keys_idempotency on tb_api_keys (tenant_id, idempotency_key) where idempotency_key is not null;
      --> statement-breakpoint
      create table tb_api_settings (name text primary key, value text not null);
    `,
  },
  {
    // Request fingerprints are the ledger's (requestHash: SHA-256, base64url) since 0.2; they were hex.
    tag: 'api_0001_request_fingerprints',
    sql: `
      update tb_api_keys set request_hash = translate(rtrim(encode(decode(request_hash, 'hex'), 'base64'), '='), '+/', '-_')
      where request_hash is not null
    `,
  },
  {
    // Staff keys may be scoped to a grid subtree (grid leaders): they see and act on that subtree only.
    tag: 'api_0002_key_grid_scope',
    sql: `
      alter table tb_api_keys add column grid_id text;
      --> statement-breakpoint
      alter table tb_api_keys add constraint tb_api_keys_grid_staff check (grid_id is null or role = 'staff')
    `,
  },
  // Users who sign in with a password or a one-time link, and their sessions.
  ...USER_MIGRATIONS,
]
