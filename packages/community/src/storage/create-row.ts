/**
 * Create a row of one of the community's tables named by a client id (tenant
 * id and id), once: the ledger's idempotency rule (`createOnce`) for a drizzle
 * table whose rows carry the creating request's fingerprint in `requestHash`.
 *
 * @example
 * const { row, replayed } = await createRow(tx, grids, { tenantId, id, …, requestHash: hash }, () => gridExists(id))
 */
import { createOnce } from '@timebank/ledger/kit'
import { type SQL, and, eq } from 'drizzle-orm'
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core'
import type { CommunityContext } from '../context.js'

type Tx = Pick<CommunityContext['db'], 'insert' | 'select'>
/** A table keyed by (tenant_id, id) that keeps request fingerprints. */
type Keyed = PgTable & { tenantId: PgColumn; id: PgColumn; requestHash: PgColumn }

export async function createRow<T extends Keyed>(
  tx: Tx,
  table: T,
  values: T['$inferInsert'] & { tenantId: string; id: string; requestHash: string | null },
  conflict: () => Error,
): Promise<{ row: T['$inferSelect']; replayed: boolean }> {
  const key: SQL = and(eq(table.tenantId, values.tenantId), eq(table.id, values.id)) as SQL
  return createOnce<T['$inferSelect']>({
    hash: values.requestHash ?? '',
    insert: async () => ((await tx.insert(table).values(values).onConflictDoNothing().returning()) as T['$inferSelect'][])[0],
    existing: async () => {
      const [prior] = (await tx
        .select()
        .from(table as PgTable)
        .where(key)) as (T['$inferSelect'] & { requestHash: string | null })[]
      return prior && { row: prior, requestHash: prior.requestHash }
    },
    conflict,
  })
}
