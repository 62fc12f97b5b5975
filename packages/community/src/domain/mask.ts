/**
 * Personal data as shown to someone who need not see it: names keep their
 * first and last character (张*明, 李*), phones their first three and last
 * four digits (138****1234), ID numbers their first and last four.
 *
 * @example
 * maskName('张小明')            // '张*明'
 * maskPhone('13812341234')     // '138****1234'
 */

/** Characters, not UTF-16 units: a name in any script masks the same. */
const chars = (s: string) => [...s]

export function maskName(name: string | null): string {
  if (!name) return ''
  const c = chars(name.trim())
  if (c.length <= 1) return '*'
  if (c.length === 2) return `${c[0]}*`
  return `${c[0]}${'*'.repeat(c.length - 2)}${c[c.length - 1]}`
}

export function maskPhone(phone: string | null): string {
  if (!phone) return ''
  const digits = chars(phone.replace(/[\s-]/g, ''))
  if (digits.length < 8) return '*'.repeat(digits.length)
  return `${digits.slice(0, 3).join('')}${'*'.repeat(digits.length - 7)}${digits.slice(-4).join('')}`
}

export function maskIdNumber(id: string | null): string {
  if (!id) return ''
  const c = chars(id.trim())
  if (c.length <= 8) return '*'.repeat(c.length)
  return `${c.slice(0, 4).join('')}${'*'.repeat(c.length - 8)}${c.slice(-4).join('')}`
}
