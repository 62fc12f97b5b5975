/**
 * The one page cursor of the community's lists: `<ISO instant>|<id>` of a
 * page's last item. Its instant is checked as the ledger checks instants
 * (years 1 to 9999), so a forged cursor is refused as VALIDATION rather than
 * reaching storage.
 *
 * @example
 * const next = pageCursor(last.createdAt, last.id)   // '2026-03-02T01:00:00.000Z|r17'
 * const { at, id } = readCursor(next)
 */
import { InstantText } from '@timebank/ledger'
import { z } from 'zod'

const split = (s: string) => {
  const bar = s.indexOf('|')
  return bar > 0 ? { at: s.slice(0, bar), id: s.slice(bar + 1) } : null
}

export const PageCursor = z
  .string()
  .max(300)
  .refine((s) => {
    const parts = split(s)
    return parts !== null && parts.id.length > 0 && InstantText.safeParse(parts.at).success
  }, 'cursor is not a nextCursor of this list')

/** The cursor after an item. */
export const pageCursor = (at: Date, id: string): string => `${at.toISOString()}|${id}`

/** A cursor PageCursor accepted, as its instant and id. */
export function readCursor(cursor: string): { at: Date; id: string } {
  const parts = split(cursor)
  if (!parts) throw new Error(`readCursor: ${cursor} did not pass PageCursor`)
  return { at: new Date(parts.at), id: parts.id }
}
