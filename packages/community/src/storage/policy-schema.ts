/** Policy versions: every change a new row with its author, time and reason; the newest is in force. */
import { integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core'
import { instant } from './columns.js'

export const policies = pgTable(
  'cm_policies',
  {
    tenantId: text('tenant_id').notNull(),
    version: integer('version').notNull(),
    /** Validated by Policy (domain/policy.ts). */
    policy: jsonb('policy').notNull(),
    createdBy: text('created_by'),
    reason: text('reason'),
    createdAt: instant('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.version] })],
)
