import { describe, expectTypeOf, it, expect } from 'vitest'
import * as api from './index.js'
import type { BatchResult, Ledger, OperationResult, Balance } from './index.js'

describe('public surface', () => {
  it('exports the factory, the migrator, the error helpers and the input schemas', () => {
    for (const name of [
      'createLedger',
      'migrate',
      'isLedgerError',
      'LedgerError',
      'ErrorCode',
      'parseAmount',
      'formatAmount',
      'TransferInput',
      'BatchInput',
      'Operation',
    ]) {
      expect(api).toHaveProperty(name)
    }
  })

  it('types every operation as one input object in and a typed result out', () => {
    expectTypeOf<Ledger['transfer']>().returns.resolves.toEqualTypeOf<OperationResult>()
    expectTypeOf<Ledger['batch']>().returns.resolves.toEqualTypeOf<BatchResult>()
    expectTypeOf<Ledger['getBalance']>().returns.resolves.toEqualTypeOf<Balance>()
    expectTypeOf<Balance['posted']>().toEqualTypeOf<string>()
    expectTypeOf<api.ErrorCode>().toEqualTypeOf<(typeof api.ErrorCode)[keyof typeof api.ErrorCode]>()
  })
})
