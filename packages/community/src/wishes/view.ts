/**
 * A wish as shown: in full (to its poster and to staff), or masked for other
 * members (the poster's and the volunteer's names 张*明, the phone 138****1234),
 * an erased member showing their pseudonym either way.
 *
 * @example
 * const shown = viewer === wish.poster.id ? wish : maskedWish(wish)
 */
import { formatAmount } from '@timebank/ledger'
import { z } from 'zod'
import { maskName, maskPhone } from '../domain/mask.js'
import { WishStatus } from '../domain/wish.js'
import type { members } from '../storage/schema.js'
import type { wishes } from '../storage/wishes-schema.js'

export type WishRow = typeof wishes.$inferSelect
type MemberRow = typeof members.$inferSelect

const Person = z.object({
  id: z.string(),
  name: z.string().describe('Masked (张*明) for members other than the poster; the pseudonym once erased.'),
  erased: z.boolean().describe('The member was erased: the name is their pseudonym.'),
})

export const WishSponsor = z.object({
  type: z.enum(['organisation', 'pool']),
  id: z.string().nullable().describe("The organisation's id; null for the community pool."),
})

export const WishOutput = z.object({
  tenantId: z.string(),
  id: z.string(),
  title: z.string(),
  description: z.string(),
  gridId: z.string().nullable(),
  deadline: z.date().nullable(),
  status: WishStatus,
  reward: z
    .object({ points: z.string().describe('Whole points, e.g. "20".'), sponsor: WishSponsor })
    .nullable()
    .describe('Held from the sponsor while the wish is open; paid to the volunteer on confirmation.'),
  poster: Person.extend({ phone: z.string().nullable().describe('Masked (138****1234) for members other than the poster.') }),
  claimant: Person.nullable(),
  claimedAt: z.date().nullable(),
  fulfilledAt: z.date().nullable(),
  fulfilNote: z.string().nullable(),
  closedAt: z.date().nullable().describe('When it was confirmed, cancelled or expired.'),
  closedBy: z.string().nullable(),
  reason: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.date(),
})
export type Wish = z.output<typeof WishOutput>

const erased = (m: MemberRow | undefined) => m === undefined || m.status === 'erased' || !m.name
const nameOf = (m: MemberRow | undefined) => (m === undefined ? '' : erased(m) ? m.pseudonym : (m.name as string))

/** The full view of a wish, with its poster's and claimant's rows. */
export function wishView(w: WishRow, poster: MemberRow | undefined, claimant: MemberRow | undefined): Wish {
  return {
    tenantId: w.tenantId,
    id: w.id,
    title: w.title,
    description: w.description,
    gridId: w.gridId,
    deadline: w.deadline,
    status: w.status as WishStatus,
    reward:
      w.rewardPoints === null
        ? null
        : {
            points: formatAmount(w.rewardPoints, 0),
            sponsor: { type: w.sponsorType as 'organisation' | 'pool', id: w.sponsorId },
          },
    poster: {
      id: w.posterId,
      name: nameOf(poster),
      erased: erased(poster),
      phone: erased(poster) ? null : (poster?.phone ?? null),
    },
    claimant: w.claimantId === null ? null : { id: w.claimantId, name: nameOf(claimant), erased: erased(claimant) },
    claimedAt: w.claimedAt,
    fulfilledAt: w.fulfilledAt,
    fulfilNote: w.fulfilNote,
    closedAt: w.closedAt,
    closedBy: w.closedBy,
    reason: w.reason,
    createdBy: w.createdBy,
    createdAt: w.createdAt,
  }
}

/** What a member other than the poster sees: names and the phone masked (a pseudonym is not personal, so kept). */
export function maskedWish(w: Wish): Wish {
  const mask = (p: { name: string; erased: boolean }) => (p.erased ? p.name : maskName(p.name))
  return {
    ...w,
    poster: { ...w.poster, name: mask(w.poster), phone: w.poster.phone === null ? null : maskPhone(w.poster.phone) },
    claimant: w.claimant === null ? null : { ...w.claimant, name: mask(w.claimant) },
  }
}
