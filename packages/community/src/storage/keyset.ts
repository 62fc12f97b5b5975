/**
 * The rows after a page cursor in a list ordered by (instant, id): the one keyset condition every
 * community list pages with (see domain/cursor.ts for the cursor itself).
 *
 * @example
 * where.push(afterCursor(wishes.createdAt, wishes.id, readCursor(q.cursor), 'desc'))
 */
import { type SQL, and, eq, gt, lt, or } from 'drizzle-orm'
import type { PgColumn } from 'drizzle-orm/pg-core'

export function afterCursor(at: PgColumn, id: PgColumn, cursor: { at: Date; id: string }, order: 'asc' | 'desc'): SQL {
  const past = order === 'desc' ? lt : gt
  return or(past(at, cursor.at), and(eq(at, cursor.at), past(id, cursor.id))) as SQL
}
