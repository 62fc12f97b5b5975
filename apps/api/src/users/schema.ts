/**
 * The tables of people who sign in (the console's users), beside the API keys:
 * users, their sessions and one-time sign-in links. Tokens are stored only as
 * SHA-256 hashes, passwords only as scrypt hashes (password.ts). Keys are led
 * by tenant_id; the one other index a lookup needs without a tenant is the
 * session token's hash, which is how a bearer token is looked up (as for keys).
 */
import type { Migration } from '@timebank/ledger/kit'
import { boolean, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'

const instant = (name: string) => timestamp(name, { withTimezone: true, precision: 6 })

export const users = pgTable(
  'tb_api_users',
  {
    tenantId: text('tenant_id').notNull(),
    id: text('id').notNull(),
    /** Normalised (NFKC, lower case: logins.ts), so unique per tenant whatever the case typed. */
    login: text('login').notNull(),
    name: text('name').notNull(),
    /** admin | staff | member */
    role: text('role').notNull(),
    /** Member users: the member whose accounts they use (owner_type is always 'member'). */
    ownerType: text('owner_type'),
    ownerId: text('owner_id'),
    /** Staff users limited to a grid subtree (grid leaders), as staff keys. */
    gridId: text('grid_id'),
    /** `scrypt$N$r$p$salt$hash`; null until a password is set. */
    passwordHash: text('password_hash'),
    /** Consecutive failed password checks since the last success or lock. */
    failedCount: integer('failed_count').notNull().default(0),
    lockedUntil: instant('locked_until'),
    createdAt: instant('created_at').notNull(),
    createdBy: text('created_by'),
    disabledAt: instant('disabled_at'),
    /** Fingerprint of the creating request, for its idempotent replay (the id is the idempotency key). */
    requestHash: text('request_hash'),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), uniqueIndex('tb_api_users_login').on(t.tenantId, t.login)],
)

export const sessions = pgTable(
  'tb_api_sessions',
  {
    tenantId: text('tenant_id').notNull(),
    id: text('id').notNull(),
    userId: text('user_id').notNull(),
    /** Hex SHA-256 of the bearer token; the token itself is never stored. */
    tokenHash: text('token_hash').notNull(),
    /** Opened with a sign-in link: the user may set a new password without the current one (password reset). */
    viaLink: boolean('via_link').notNull().default(false),
    createdAt: instant('created_at').notNull(),
    expiresAt: instant('expires_at').notNull(),
    revokedAt: instant('revoked_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('tb_api_sessions_token').on(t.tokenHash),
    index('tb_api_sessions_user').on(t.tenantId, t.userId),
  ],
)

export const signInLinks = pgTable(
  'tb_api_sign_in_links',
  {
    tenantId: text('tenant_id').notNull(),
    id: text('id').notNull(),
    userId: text('user_id').notNull(),
    /** Hex SHA-256 of the link's token; the token itself is never stored. */
    tokenHash: text('token_hash').notNull(),
    createdAt: instant('created_at').notNull(),
    createdBy: text('created_by'),
    expiresAt: instant('expires_at').notNull(),
    usedAt: instant('used_at'),
    /** Made under an idempotency key (the id): the fingerprint of its request, for the replay. */
    requestHash: text('request_hash'),
    /** Made under an idempotency key: the token sealed under the maker's credential (links.ts), never in clear. */
    sealedToken: text('sealed_token'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('tb_api_sign_in_links_token').on(t.tenantId, t.tokenHash),
    index('tb_api_sign_in_links_user').on(t.tenantId, t.userId),
  ],
)

/** Appended to the API's migrations (keys/schema.ts). */
export const USER_MIGRATIONS: Migration[] = [
  {
    tag: 'api_0003_users_sessions_links',
    sql: `
      create table tb_api_users (
        tenant_id text not null,
        id text not null,
        login text not null,
        name text not null,
        role text not null check (role in ('admin', 'staff', 'member')),
        owner_type text check (owner_type = 'member'),
        owner_id text,
        grid_id text,
        password_hash text,
        failed_count integer not null default 0 check (failed_count >= 0),
        locked_until timestamp (6) with time zone,
        created_at timestamp (6) with time zone not null,
        created_by text,
        disabled_at timestamp (6) with time zone,
        request_hash text,
        constraint tb_api_users_pk primary key (tenant_id, id),
        constraint tb_api_users_member_owner check ((role = 'member') = (owner_type is not null and owner_id is not null)),
        constraint tb_api_users_grid_staff check (grid_id is null or role = 'staff')
      );
      --> statement-breakpoint
      create unique index tb_api_users_login on tb_api_users (tenant_id, login);
      --> statement-breakpoint
      create table tb_api_sessions (
        tenant_id text not null,
        id text not null,
        user_id text not null,
        token_hash text not null,
        via_link boolean not null default false,
        created_at timestamp (6) with time zone not null,
        expires_at timestamp (6) with time zone not null,
        revoked_at timestamp (6) with time zone,
        constraint tb_api_sessions_pk primary key (tenant_id, id),
        constraint tb_api_sessions_user_fk foreign key (tenant_id, user_id) references tb_api_users (tenant_id, id)
      );
      --> statement-breakpoint
      create unique index tb_api_sessions_token on tb_api_sessions (token_hash);
      --> statement-breakpoint
      create index tb_api_sessions_user on tb_api_sessions (tenant_id, user_id);
      --> statement-breakpoint
      create table tb_api_sign_in_links (
        tenant_id text not null,
        id text not null,
        user_id text not null,
        token_hash text not null,
        created_at timestamp (6) with time zone not null,
        created_by text,
        expires_at timestamp (6) with time zone not null,
        used_at timestamp (6) with time zone,
        constraint tb_api_sign_in_links_pk primary key (tenant_id, id),
        constraint tb_api_sign_in_links_user_fk foreign key (tenant_id, user_id) references tb_api_users (tenant_id, id)
      );
      --> statement-breakpoint
      create unique index tb_api_sign_in_links_token on tb_api_sign_in_links (tenant_id, token_hash);
      --> statement-breakpoint
      create index tb_api_sign_in_links_user on tb_api_sign_in_links (tenant_id, user_id);
    `,
  },
  {
    // A link made under an idempotency key is made once: a retry answers it (links.ts).
    tag: 'api_0004_sign_in_link_replay',
    sql: `
      alter table tb_api_sign_in_links add column request_hash text;
      --> statement-breakpoint
      alter table tb_api_sign_in_links add column sealed_token text
    `,
  },
]
