/**
 * A process that dies mid-step, for the crash test: it approves (or upholds a
 * complaint about) one hour record through a ledger whose `batch` kills the
 * process with SIGKILL just before or just after the ledger write, so the
 * record's own update never runs.
 *
 * Env: DATABASE_URL, SCHEMA, TENANT, RECORD, ACTION (approve | complain), KILL (before | after).
 */
import { type Ledger, type LedgerDatabase, createLedger } from '@timebank/ledger'
import { drizzle } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import { createCommunity } from '../community.js'

const env = (name: string) => {
  const v = process.env[name]
  if (!v) throw new Error(`${name} is not set`)
  return v
}

const client = postgres(env('DATABASE_URL'), { max: 2, onnotice: () => {}, connection: { search_path: env('SCHEMA') } })
const db = drizzle(client) as unknown as LedgerDatabase
const real = createLedger({ db })
const kill = env('KILL')
const ledger = new Proxy(real, {
  get(target, p) {
    if (p !== 'batch') return Reflect.get(target, p)
    return async (input: Parameters<Ledger['batch']>[0]) => {
      if (kill === 'before') process.kill(process.pid, 'SIGKILL')
      const result = await target.batch(input)
      if (kill === 'after') process.kill(process.pid, 'SIGKILL')
      return result
    }
  },
})
const community = createCommunity({ db, ledger })
const tenantId = env('TENANT')
const recordId = env('RECORD')
if (env('ACTION') === 'approve') await community.approve({ tenantId, recordIds: [recordId], actor: 'staff-crash' })
else await community.complain({ tenantId, recordId, reason: 'upheld', actor: 'staff-crash' })
// Reaching here means the ledger step never ran.
process.exit(3)
