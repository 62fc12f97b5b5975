/**
 * A migrated, empty PGlite data directory, made once per machine and
 * migration set and kept as a tarball in the temp directory: loading it takes
 * about a second, where a fresh PGlite runs initdb for several.
 */
import { createHash, randomBytes } from 'node:crypto'
import { readFile, readdir, rename, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { drizzle } from 'drizzle-orm/pglite'
import { communityMigrationsFolder, migrate } from '@timebank/community'
import { type LedgerDatabase, migrationsFolder } from '@timebank/ledger'
import { migrateApi } from '../keys/migrate.js'
import { API_MIGRATIONS } from '../keys/schema.js'

async function migrationsHash(): Promise<string> {
  const h = createHash('sha256')
  for (const folder of [migrationsFolder(), communityMigrationsFolder()]) {
    for (const name of (await readdir(folder)).filter((f) => f.endsWith('.sql')).sort()) {
      h.update(name).update(await readFile(join(folder, name)))
    }
  }
  h.update(JSON.stringify(API_MIGRATIONS))
  return h.digest('hex').slice(0, 16)
}

/** The template as a Blob for `new PGlite({ loadDataDir })`. */
export async function migratedTemplate(): Promise<Blob> {
  const file = join(tmpdir(), `timebank-api-pglite-${await migrationsHash()}.tar`)
  try {
    return new Blob([await readFile(file)])
  } catch {
    // Not made yet: make it (several test files may race; each writes its own temp file and renames).
  }
  const pg = new PGlite()
  await pg.waitReady
  const db = drizzle(pg) as unknown as LedgerDatabase
  await migrate(db)
  await migrateApi(db)
  const dump = await pg.dumpDataDir('none')
  await pg.close()
  const bytes = new Uint8Array(await dump.arrayBuffer())
  const tmp = `${file}.${randomBytes(4).toString('hex')}`
  await writeFile(tmp, bytes)
  await rename(tmp, file)
  return new Blob([bytes])
}
