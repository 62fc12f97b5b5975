import { describe, expect, it } from 'vitest'
import { type SoakMinute, renderSoak, soakVerdict } from './soak.js'

const minute = (n: number, perSecond: number, rssMiB: number): SoakMinute => ({
  minute: n,
  perSecond,
  errors: 0,
  rssMiB,
  heapMiB: rssMiB / 2,
})

describe('the soak verdict', () => {
  it('compares the last minute with the second, the first being warm-up', () => {
    const v = soakVerdict([minute(1, 500, 300), minute(2, 1000, 400), minute(3, 950, 410), minute(4, 920, 430)])
    expect(v).toMatchObject({ baselineMinute: 2, noDecline: true, noGrowth: true })
    expect(v.throughputRatio).toBeCloseTo(0.92, 5)
    expect(v.rssRatio).toBeCloseTo(1.075, 5)
  })

  it('calls a fall of more than a tenth a decline, and a rise of more than a tenth in memory growth', () => {
    const v = soakVerdict([minute(1, 1000, 300), minute(2, 1000, 400), minute(3, 899, 441)])
    expect(v).toMatchObject({ noDecline: false, noGrowth: false })
    expect(renderSoak([minute(1, 1000, 300), minute(2, 1000, 400), minute(3, 899, 441)])).toMatch(
      /MISS {6}throughput, last minute vs minute 2: 0\.899x[\s\S]*MISS {6}server RSS, last minute vs minute 2: 1\.103x/,
    )
  })

  it('takes the first minute as the baseline of a short soak, and refuses none at all', () => {
    expect(soakVerdict([minute(1, 800, 300), minute(2, 800, 300)]).baselineMinute).toBe(1)
    expect(soakVerdict([minute(1, 800, 300)])).toMatchObject({ baselineMinute: 1, throughputRatio: 1, rssRatio: 1 })
    expect(() => soakVerdict([])).toThrow('at least one minute')
  })
})
