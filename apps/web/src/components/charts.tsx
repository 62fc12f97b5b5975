/**
 * Bar charts drawn on the server as SVG: data in, markup out, nothing else. Each chart is an image
 * to assistive technology (`role="img"`, its `<title>`, and an `aria-label` reading every bar with
 * its figure), has both axes labelled, and writes each bar's exact figure beside it. The figures
 * are the page's own text for the API's decimal strings (`words.amount`); only the bar lengths are
 * computed, from ratios of scaled bigints (decimal.ts), so no figure on a chart comes from a float.
 * Colours are presentation attributes, not `style`, so the page's CSP (no inline styles) holds.
 *
 * @example
 * <ColumnChart title="Hours per month" valueLabel="Hours" categoryLabel="Month"
 *   bars={[{ label: '2026-02', value: '12.50', text: '12.50' }, { label: '2026-03', value: '3', text: '3' }]} />
 */
import { maxDecimal, ratio } from './decimal.js'

export interface ChartBar {
  /** The category: a month, a grid's name. */
  label: string
  /** The exact decimal string the API gave. */
  value: string
  /** The figure as written on the chart: the page's formatting of `value` (never a computed number). */
  text: string
}

export interface ChartProps {
  title: string
  bars: readonly ChartBar[]
  /** The value axis's name, with its unit ("Hours"). */
  valueLabel: string
  /** The category axis's name ("Month", "Grid"). */
  categoryLabel: string
  /** Said instead of a chart when there are no bars. */
  empty?: string
}

const INK = '#1a1a1a'
const BAR = '#a4161a'
const AXIS = '#4a4a4a'
const WIDTH = 760

/** Pixel positions with two decimals: geometry only. */
const px = (n: number): number => Math.round(n * 100) / 100

/** What a screen reader says for the chart: its title, then every bar and its figure. */
export const chartLabel = (title: string, bars: readonly ChartBar[]): string =>
  bars.length === 0 ? title : `${title}: ${bars.map((b) => `${b.label} ${b.text}`).join('; ')}`

/** The bar's text with the largest value, for the top of the value axis ("0" when there are no positive bars). */
function maxTick(bars: readonly ChartBar[]): { value: string; text: string } {
  const max = maxDecimal(bars.map((b) => b.value))
  const bar = bars.find((b) => b.value === max)
  return bar ? { value: bar.value, text: bar.text } : { value: '0', text: '0' }
}

function Empty({ text }: { text: string | undefined }) {
  return text ? <p class="muted chart-empty">{text}</p> : null
}

/** Vertical bars, one per category left to right (months on the category axis). */
export function ColumnChart({ title, bars, valueLabel, categoryLabel, empty }: ChartProps) {
  if (bars.length === 0) return <Empty text={empty} />
  const top = 40
  const plotHeight = 220
  const bottom = 60
  const left = 84
  const right = 16
  const height = top + plotHeight + bottom
  const plotWidth = WIDTH - left - right
  const slot = plotWidth / bars.length
  const barWidth = slot * 0.6
  const base = top + plotHeight
  const max = maxTick(bars)
  return (
    <svg
      class="chart"
      viewBox={`0 0 ${WIDTH} ${height}`}
      width={WIDTH}
      height={height}
      role="img"
      aria-label={chartLabel(title, bars)}
      xmlns="http://www.w3.org/2000/svg"
    >
      <title>{title}</title>
      <text x={left} y={18} fill={INK} font-size="14" font-weight="600">
        {valueLabel}
      </text>
      <line x1={left} y1={top} x2={left} y2={base} stroke={AXIS} />
      <line x1={left} y1={base} x2={WIDTH - right} y2={base} stroke={AXIS} />
      <text x={left - 6} y={base + 4} fill={INK} font-size="12" text-anchor="end">
        0
      </text>
      <text x={left - 6} y={top + 4} fill={INK} font-size="12" text-anchor="end">
        {max.text}
      </text>
      {bars.map((bar, i) => {
        const h = ratio(bar.value, max.value) * plotHeight
        const x = left + i * slot + (slot - barWidth) / 2
        const centre = px(left + i * slot + slot / 2)
        return (
          <g>
            <rect x={px(x)} y={px(base - h)} width={px(barWidth)} height={px(h)} fill={BAR} />
            <text x={centre} y={px(base - h - 6)} fill={INK} font-size="12" text-anchor="middle">
              {bar.text}
            </text>
            <text x={centre} y={base + 18} fill={INK} font-size="12" text-anchor="middle">
              {bar.label}
            </text>
          </g>
        )
      })}
      <text x={px(left + plotWidth / 2)} y={height - 10} fill={INK} font-size="14" font-weight="600" text-anchor="middle">
        {categoryLabel}
      </text>
    </svg>
  )
}

/** Horizontal bars, one row per category top to bottom (grids on the category axis). */
export function BarChart({ title, bars, valueLabel, categoryLabel, empty }: ChartProps) {
  if (bars.length === 0) return <Empty text={empty} />
  const top = 36
  const row = 30
  const barHeight = 18
  const bottom = 48
  const left = 200
  const right = 130
  const plotWidth = WIDTH - left - right
  const base = top + bars.length * row
  const height = base + bottom
  const max = maxTick(bars)
  return (
    <svg
      class="chart"
      viewBox={`0 0 ${WIDTH} ${height}`}
      width={WIDTH}
      height={height}
      role="img"
      aria-label={chartLabel(title, bars)}
      xmlns="http://www.w3.org/2000/svg"
    >
      <title>{title}</title>
      <text x={8} y={20} fill={INK} font-size="14" font-weight="600">
        {categoryLabel}
      </text>
      <line x1={left} y1={top} x2={left} y2={base} stroke={AXIS} />
      <line x1={left} y1={base} x2={left + plotWidth} y2={base} stroke={AXIS} />
      <text x={left} y={base + 16} fill={INK} font-size="12" text-anchor="middle">
        0
      </text>
      <text x={left + plotWidth} y={base + 16} fill={INK} font-size="12" text-anchor="middle">
        {max.text}
      </text>
      {bars.map((bar, i) => {
        const w = ratio(bar.value, max.value) * plotWidth
        const y = top + i * row + (row - barHeight) / 2
        const middle = px(y + barHeight / 2 + 4)
        return (
          <g>
            <text x={left - 8} y={middle} fill={INK} font-size="13" text-anchor="end">
              {bar.label}
            </text>
            <rect x={left} y={px(y)} width={px(w)} height={barHeight} fill={BAR} />
            <text x={px(left + w + 6)} y={middle} fill={INK} font-size="12">
              {bar.text}
            </text>
          </g>
        )
      })}
      <text x={px(left + plotWidth / 2)} y={height - 8} fill={INK} font-size="14" font-weight="600" text-anchor="middle">
        {valueLabel}
      </text>
    </svg>
  )
}
