/**
 * The OpenAPI document the app serves at `/openapi.json`, built without
 * starting a server: the real app over in-memory PGlite, asked in-process.
 *
 * @example
 * const doc = await openApiDocument()
 */
import { createCommunity } from '@timebank/community'
import { createLedger } from '@timebank/ledger'
import { createApp } from './app.js'
import { createKeyStore } from './keys/store.js'
import { openStorage } from './storage.js'
import { createUserStore } from './users/store.js'

export async function openApiDocument(): Promise<unknown> {
  const storage = await openStorage({ kind: 'pglite-memory' })
  try {
    const ledger = createLedger({ db: storage.db })
    const app = createApp({
      ledger,
      community: createCommunity({ db: storage.db, ledger }),
      keys: createKeyStore(storage.db),
      users: createUserStore(storage.db),
    })
    const res = await app.request('/openapi.json')
    if (res.status !== 200) throw new Error(`GET /openapi.json answered ${res.status}: ${await res.text()}`)
    return await res.json()
  } finally {
    await storage.close()
  }
}
