/**
 * `moveSealed`: a body parsed once with the ledger's sealed schema is applied
 * as `ledger.transfer` would apply it (same transfer, same replay and conflict
 * rules), and nothing unsealed or malformed gets past the ledger's own checks.
 */
import { PGlite } from '@electric-sql/pglite'
import { drizzle } from 'drizzle-orm/pglite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isLedgerError } from './domain/errors.js'
import { Id } from './domain/schemas.js'
import { sealedEarnBody, sealedRedeemBody, sealedTransferBody } from './domain/sealed.js'
import { type Ledger, createLedger, moveSealed } from './ledger.js'
import { migrate } from './storage/migrate.js'

let client: PGlite
let ledger: Ledger
const tenantId = 'sealed'
const TransferBody = sealedTransferBody(Id.optional())

beforeAll(async () => {
  client = new PGlite()
  const db = drizzle(client)
  await migrate(db)
  ledger = createLedger({ db })
  await ledger.createTenant({ id: tenantId, name: 'Sealed' })
  for (const id of ['a', 'b']) {
    await ledger.openAccount({ tenantId, id, asset: 'HOUR', owner: { type: 'member', id }, kind: 'member' })
  }
  await ledger.openAccount({ tenantId, id: 'shop', asset: 'HOUR', owner: { type: 'organisation', id: 'shop' }, kind: 'redemption' })
  await ledger.earn({ tenantId, id: 'fund-a', to: 'a', amount: '10', evidence: { activity: 'x', reviewer: 'y' } })
})
afterAll(() => client.close())

const code = async (p: Promise<unknown>) => {
  try {
    await p
    return 'ok'
  } catch (e) {
    return isLedgerError(e) ? e.code : String(e)
  }
}

describe('moveSealed', () => {
  it('applies a sealed body as ledger.transfer does, replays it, and refuses the id for another request', async () => {
    const body = TransferBody.parse({ from: 'a', to: 'b', amount: '1.5', memo: 'thanks' })
    const first = await moveSealed(ledger, 'transfer', body, { id: 't1', tenantId })
    expect(first.replayed).toBe(false)
    expect(first.transfer).toMatchObject({ id: 't1', from: 'a', to: 'b', amount: '1.50' })
    // The same request through the public method is a replay: the fingerprints agree.
    const again = await ledger.transfer({ tenantId, id: 't1', from: 'a', to: 'b', amount: '1.5', memo: 'thanks' })
    expect(again).toEqual({ transfer: first.transfer, replayed: true })
    // "1.50" is the amount "1.5" was: the same request, so a replay too (the fingerprint is of the number).
    const zeros = await ledger.transfer({ tenantId, id: 't1', from: 'a', to: 'b', amount: '1.50', memo: 'thanks' })
    expect(zeros).toEqual({ transfer: first.transfer, replayed: true })
    expect(await code(ledger.transfer({ tenantId, id: 't1', from: 'a', to: 'b', amount: '15', memo: 'thanks' }))).toBe(
      'IDEMPOTENCY_CONFLICT',
    )
    const other = TransferBody.parse({ from: 'a', to: 'b', amount: '2' })
    expect(await code(moveSealed(ledger, 'transfer', other, { id: 't1', tenantId }))).toBe('IDEMPOTENCY_CONFLICT')
  })

  it('uses the id given apart, never the body id, and checks it and the tenant', async () => {
    const body = TransferBody.parse({ id: 'from-body', from: 'a', to: 'b', amount: '1' })
    const r = await moveSealed(ledger, 'transfer', body, { id: 't2', tenantId })
    expect(r.transfer.id).toBe('t2')
    expect(await code(moveSealed(ledger, 'transfer', body, { id: 'bad id', tenantId }))).toBe('VALIDATION')
    expect(await code(moveSealed(ledger, 'transfer', body, { id: 't3', tenantId: '' }))).toBe('VALIDATION')
  })

  it('parses an unsealed body in full', async () => {
    const forged = { from: 'a', to: 'b', amount: '1,5' } as ReturnType<typeof TransferBody.parse>
    expect(await code(moveSealed(ledger, 'transfer', forged, { id: 't4', tenantId }))).toBe('VALIDATION')
    const unsealedCopy = { ...TransferBody.parse({ from: 'a', to: 'b', amount: '0.5' }), extra: 1 }
    expect(await code(moveSealed(ledger, 'transfer', unsealedCopy, { id: 't5', tenantId }))).toBe('VALIDATION')
  })

  it('keeps the ledger rules that come after parsing (scale, kinds)', async () => {
    const body = TransferBody.parse({ from: 'a', to: 'b', amount: '0.001' })
    expect(await code(moveSealed(ledger, 'transfer', body, { id: 't6', tenantId }))).toBe('INVALID_AMOUNT')
    const toSink = TransferBody.parse({ from: 'a', to: 'shop', amount: '1' })
    expect(await code(moveSealed(ledger, 'transfer', toSink, { id: 't7', tenantId }))).toBe('ACCOUNT_KIND_NOT_ALLOWED')
  })

  it('earns and redeems too', async () => {
    const earn = sealedEarnBody(Id.optional()).parse({ to: 'b', amount: '3', evidence: { activity: 'visit', reviewer: 'li' } })
    expect((await moveSealed(ledger, 'earn', earn, { id: 'e1', tenantId })).transfer.to).toBe('b')
    const redeem = sealedRedeemBody(Id.optional()).parse({ from: 'b', to: 'shop', amount: '1', item: { ref: 'rice' } })
    expect((await moveSealed(ledger, 'redeem', redeem, { id: 'r1', tenantId })).transfer.to).toBe('shop')
  })

  it('goes through the public method of a ledger it did not make', async () => {
    const seen: unknown[] = []
    const transfer: Ledger['transfer'] = (input) => {
      seen.push(input)
      return ledger.transfer(input)
    }
    const wrapped: Ledger = { ...ledger, transfer }
    const body = TransferBody.parse({ from: 'a', to: 'b', amount: '0.25' })
    const r = await moveSealed(wrapped, 'transfer', body, { id: 't8', tenantId })
    expect(r.transfer.id).toBe('t8')
    expect(seen).toEqual([{ from: 'a', to: 'b', amount: '0.25', id: 't8', tenantId }])
  })
})
