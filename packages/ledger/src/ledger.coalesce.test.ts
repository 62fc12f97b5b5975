/**
 * Concurrent single writes on PGlite, where every concurrent plain move waits
 * and goes with others in one coalesced call: whatever the mix (moves that fit,
 * overdrafts, ceilings, unknown and frozen accounts, replays and conflicting
 * reuses of ids), each request gets the answer it could have had alone, and
 * the books hold exactly what was acknowledged.
 */
import { PGlite } from '@electric-sql/pglite'
import { drizzle } from 'drizzle-orm/pglite'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isLedgerError } from './domain/errors.js'
import { type Ledger, createLedger } from './ledger.js'
import { migrate } from './storage/migrate.js'
import { auditLedger } from './testing/audit.js'

let client: PGlite
let db: ReturnType<typeof drizzle>
let ledger: Ledger
let run = 0

beforeAll(async () => {
  client = new PGlite()
  db = drizzle(client)
  await migrate(db)
  ledger = createLedger({ db })
})
afterAll(() => client.close())

const MEMBERS = ['a', 'b', 'c', 'd']
const request = fc.record({
  id: fc.constantFrom('r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9'),
  kind: fc.constantFrom('earn', 'transfer', 'transfer', 'transfer', 'redeem'),
  from: fc.constantFrom(...MEMBERS, 'ghost'),
  to: fc.constantFrom(...MEMBERS, 'ghost'),
  amount: fc.integer({ min: 1, max: 6 }),
})

describe('coalesced concurrent writes', () => {
  it('answer each request as it could have been answered alone, and keep exactly what they acknowledged', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(request, { minLength: 2, maxLength: 24 }),
        fc.subarray(MEMBERS, { maxLength: 1 }),
        async (requests, frozen) => {
          const tenantId = `co-${run++}`
          await ledger.createTenant({ id: tenantId, name: 'Coalesced' })
          for (const id of MEMBERS) {
            // d may hold at most 8 points: ceilings get hit too.
            await ledger.openAccount({
              tenantId,
              id,
              asset: 'POINT',
              owner: { type: 'member', id },
              ...(id === 'd' ? { ceiling: '8' } : {}),
            })
          }
          await ledger.openAccount({
            tenantId,
            id: 'shop',
            asset: 'POINT',
            owner: { type: 'organisation', id: 'shop' },
            kind: 'redemption',
          })
          await ledger.batch({
            tenantId,
            operations: MEMBERS.map((to) => ({
              type: 'earn' as const,
              id: `seed-${to}`,
              to,
              amount: '5',
              evidence: { activity: 'seed', reviewer: 't' },
            })),
          })
          for (const id of frozen) await ledger.setAccountStatus({ tenantId, accountId: id, status: 'frozen' })

          const send = (r: (typeof requests)[number]) => {
            const amount = String(r.amount)
            if (r.kind === 'earn')
              return ledger.earn({ tenantId, id: r.id, to: r.to, amount, evidence: { activity: 'visit', reviewer: 't' } })
            if (r.kind === 'redeem') return ledger.redeem({ tenantId, id: r.id, from: r.from, to: 'shop', amount, item: { ref: 'soap' } })
            return ledger.transfer({ tenantId, id: r.id, from: r.from, to: r.to, amount })
          }
          const answers = await Promise.all(
            requests.map((r) =>
              send(r).then(
                (ok) => ({ ok: true as const, transfer: ok.transfer, replayed: ok.replayed }),
                (e: unknown) => ({ ok: false as const, code: isLedgerError(e) ? e.code : `unexpected: ${String(e)}` }),
              ),
            ),
          )

          // Only refusals a request can get on its own.
          const allowed = [
            'INSUFFICIENT_FUNDS',
            'CEILING_EXCEEDED',
            'ACCOUNT_NOT_FOUND',
            'ACCOUNT_FROZEN',
            'IDEMPOTENCY_CONFLICT',
            'VALIDATION',
          ]
          for (const a of answers) if (!a.ok) expect(allowed).toContain(a.code)
          // One transfer per id at most: every success under an id is the same transfer.
          const stored = new Map<string, string>()
          for (const [i, a] of answers.entries()) {
            if (!a.ok) continue
            const id = requests[i]?.id as string
            const json = JSON.stringify(a.transfer)
            expect(stored.get(id) ?? json).toBe(json)
            stored.set(id, json)
          }
          // The books hold exactly the acknowledged transfers, each once.
          const expected = new Map<string, bigint>(MEMBERS.map((m) => [m, 5n]))
          for (const json of stored.values()) {
            const t = JSON.parse(json) as { from: string; to: string; amount: string }
            expected.set(t.from, (expected.get(t.from) ?? 0n) - BigInt(t.amount))
            expected.set(t.to, (expected.get(t.to) ?? 0n) + BigInt(t.amount))
          }
          // And nothing it refused: an id no request got a success for names no transfer.
          for (const id of new Set(requests.map((r) => r.id))) {
            if (stored.has(id)) continue
            await expect(ledger.getTransfer({ tenantId, transferId: id })).rejects.toMatchObject({ code: 'TRANSFER_NOT_FOUND' })
          }
          for (const m of MEMBERS) {
            expect((await ledger.getBalance({ tenantId, accountId: m })).posted).toBe(String(expected.get(m)))
          }
          expect(await auditLedger(db, tenantId)).toEqual([])
        },
      ),
      { numRuns: 60 },
    )
  }, 120_000)
})
