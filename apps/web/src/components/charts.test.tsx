import { describe, expect, it } from 'vitest'
import { BarChart, ColumnChart, chartLabel } from './charts.js'
import { compareDecimals, maxDecimal, parseDecimal, ratio, sumDecimals } from './decimal.js'

const render = (node: unknown) => String(node)

/** The heights (or widths) of the bars, in document order. */
const sizes = (svg: string, attribute: 'height' | 'width') =>
  [...svg.matchAll(new RegExp(`<rect [^>]*${attribute}="([\\d.]+)"`, 'g'))].map((m) => Number(m[1]))

describe('exact decimals', () => {
  it('adds decimal strings exactly, far past what a float keeps', () => {
    expect(sumDecimals(['0.1', '0.2'])).toBe('0.3')
    expect(sumDecimals(['12345678901234567.25', '0.75'])).toBe('12345678901234568.00')
    expect(sumDecimals(['1.5', '-2'])).toBe('-0.5')
    expect(sumDecimals([])).toBe('0')
  })

  it('compares and finds the largest without a float', () => {
    expect(compareDecimals('9007199254740993', '9007199254740992')).toBe(1)
    expect(compareDecimals('1.50', '1.5')).toBe(0)
    expect(maxDecimal(['3', '12.5', '-40', '12.25'])).toBe('12.5')
    expect(maxDecimal(['-1'])).toBe('0')
    expect(parseDecimal('abc')).toBeNull()
  })

  it('gives ratios in [0, 1] for drawing, a negative or zero value drawing nothing', () => {
    expect(ratio('1.5', '3')).toBe(0.5)
    expect(ratio('3', '3')).toBe(1)
    expect(ratio('-2', '3')).toBe(0)
    expect(ratio('2', '0')).toBe(0)
    expect(ratio('9007199254740993', '18014398509481986')).toBe(0.5)
  })
})

describe('ColumnChart', () => {
  const bars = [
    { label: '2026-01', value: '10', text: '10.00 h' },
    { label: '2026-02', value: '2.5', text: '2.50 h' },
    { label: '2026-03', value: '0', text: '0 h' },
  ]

  it('is an image with a title, a label reading every bar, axis names and each exact figure', () => {
    const svg = render(<ColumnChart title="Hours per month" bars={bars} valueLabel="Hours" categoryLabel="Month" />)
    expect(svg).toContain('role="img"')
    expect(svg).toContain('<title>Hours per month</title>')
    expect(svg).toContain('aria-label="Hours per month: 2026-01 10.00 h; 2026-02 2.50 h; 2026-03 0 h"')
    for (const text of ['Hours', 'Month', '10.00 h', '2.50 h', '0 h', '2026-02']) expect(svg).toContain(`>${text}</text>`)
    expect(svg).not.toContain('style=')
  })

  it('draws bar heights in proportion to the values, the largest full height', () => {
    const svg = render(<ColumnChart title="t" bars={bars} valueLabel="v" categoryLabel="c" />)
    expect(sizes(svg, 'height')).toEqual([220, 55, 0])
  })

  it('says so instead of drawing when there is nothing to draw', () => {
    expect(render(<ColumnChart title="t" bars={[]} valueLabel="v" categoryLabel="c" empty="Nothing yet" />)).toContain('Nothing yet')
  })

  it('escapes a label that carries markup', () => {
    const svg = render(
      <ColumnChart title="<b>" bars={[{ label: '<script>x</script>', value: '1', text: '1' }]} valueLabel="v" categoryLabel="c" />,
    )
    expect(svg).not.toContain('<script>')
    expect(svg).toContain('&lt;script&gt;x&lt;/script&gt;')
    expect(svg).toContain('<title>&lt;b&gt;</title>')
  })
})

describe('BarChart', () => {
  it('draws widths in proportion, negative net hours as no bar but with their exact figure', () => {
    const bars = [
      { label: 'Grid 1', value: '4.00', text: '4.00' },
      { label: 'Grid 2', value: '1.00', text: '1.00' },
      { label: 'Grid 3', value: '-0.50', text: '-0.50' },
    ]
    const svg = render(<BarChart title="Hours per grid" bars={bars} valueLabel="Hours" categoryLabel="Grid" />)
    expect(sizes(svg, 'width')).toEqual([430, 107.5, 0])
    expect(svg).toContain('>-0.50</text>')
    expect(svg).toContain(`aria-label="${chartLabel('Hours per grid', bars)}"`)
    for (const text of ['Hours', 'Grid', 'Grid 3']) expect(svg).toContain(`>${text}</text>`)
  })
})
