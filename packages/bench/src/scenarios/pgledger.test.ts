import { describe, expect, it } from 'vitest'
import { type Figure, type TargetSpec, evaluate } from '../figures.js'
import { pgledgerTargets } from './pgledger.js'

/** A measured pair: pgledger's figure and the ledger's, whose baseline it is. */
function pair(id: string, kind: Figure['kind'], pgledger: number, ledger: number, errors = 0): Figure[] {
  const figure = (fid: string, median: number, baseline: string | null, errs: number): Figure => ({
    id: fid,
    scenario: '10. vs pgledger (same server)',
    label: fid,
    callers: 1,
    unit: kind === 'rate' ? 'transfers/s' : 'ms/read',
    kind,
    median,
    min: median,
    max: median,
    rounds: [median],
    work: 1,
    errors: errs,
    peakRssMiB: 0,
    nodeCpuUsPerUnit: 0,
    pgCpuUsPerUnit: null,
    statementsPerUnit: null,
    writesPerUnit: null,
    baseline,
    ratio: null,
    targets: [],
  })
  return [figure(`pgledger.${id}`, pgledger, null, 0), figure(`tb.${id}`, ledger, `pgledger.${id}`, errors)]
}

function verdict(id: string, kind: Figure['kind'], pgledger: number, ledger: number, errors = 0) {
  const figures = pair(id, kind, pgledger, ledger, errors)
  evaluate(figures, new Map<string, TargetSpec[]>([[`tb.${id}`, pgledgerTargets(id)]]))
  return figures[1] as Figure
}

describe('the bars against pgledger', () => {
  it('asks a single transfer at 1 caller for 1.5 times pgledger’s throughput', () => {
    expect(verdict('transfer.c1', 'rate', 1000, 1500).targets).toMatchObject([{ ok: true, value: 1.5 }])
    expect(verdict('transfer.c1', 'rate', 1000, 1400).targets).toMatchObject([{ ok: false }])
  })

  it('asks a balance read to take no longer than pgledger’s: time over time, lower is better', () => {
    const f = verdict('balance', 'latency', 0.2, 0.15)
    expect(f.ratio).toBeCloseTo(0.75, 10)
    expect(f.targets).toMatchObject([{ ok: true }])
    expect(verdict('balance', 'latency', 0.2, 0.21).targets).toMatchObject([{ ok: false }])
  })

  it('shows the other pairs as a ratio for reference, never a verdict', () => {
    for (const id of ['transfer.c8', 'transfer.c32', 'earn-hot.c32', 'batch100.c1']) {
      expect(verdict(id, 'rate', 1000, 500).targets).toMatchObject([{ ok: null, value: 0.5 }])
    }
  })

  it('fails a bar when the ledger’s figure had errors, however fast it was', () => {
    expect(verdict('transfer.c1', 'rate', 1000, 5000, 1).targets).toMatchObject([{ ok: false }])
  })
})
