/**
 * The micro-wish (微心愿) state machine, the one place that says which action
 * may follow which state, and the rules about who may take it and when.
 * `publishing`, `confirming`, `cancelling` and `expiring` are intents claimed
 * before the wish's ledger step runs (hold, settle, release): a wish in one is
 * finished by running the step again (the ledger replays it), never started over.
 *
 *   publishing ──refuse──▶ refused ──repost──▶ publishing (the same wish posted again: the hold is tried again)
 *   publishing ──finish──▶ published ──claim──▶ claimed ──fulfil──▶ fulfilled ──confirm──▶ confirming ──finish──▶ confirmed
 *                          published ◀──release── claimed, fulfilled
 *   published, claimed, fulfilled ──cancel──▶ cancelling ──finish──▶ cancelled
 *   published, claimed, fulfilled ──expire──▶ expiring ──finish──▶ expired
 *   confirming, cancelling, expiring ──refuse──▶ the state the intent was claimed from (the ledger refused its step)
 *
 * @example
 * const next = wishTransition('published', 'claim') // 'claimed'
 */
import { z } from 'zod'
import { CommunityError, CommunityErrorCode } from './errors.js'

export const WishStatus = z.enum([
  'publishing',
  'refused',
  'published',
  'claimed',
  'fulfilled',
  'confirming',
  'confirmed',
  'cancelling',
  'cancelled',
  'expiring',
  'expired',
])
export type WishStatus = z.infer<typeof WishStatus>

export type WishAction = 'repost' | 'claim' | 'release' | 'fulfil' | 'confirm' | 'cancel' | 'expire' | 'finish'

const OPEN = { cancel: 'cancelling', expire: 'expiring' } as const

const NEXT: Record<WishStatus, Partial<Record<WishAction, WishStatus>>> = {
  publishing: { finish: 'published' },
  refused: { repost: 'publishing' },
  published: { claim: 'claimed', ...OPEN },
  claimed: { fulfil: 'fulfilled', release: 'published', ...OPEN },
  fulfilled: { confirm: 'confirming', release: 'published', ...OPEN },
  confirming: { finish: 'confirmed' },
  cancelling: { finish: 'cancelled' },
  expiring: { finish: 'expired' },
  confirmed: {},
  cancelled: {},
  expired: {},
}

/** Intents: a ledger step claimed and not yet marked done. */
export const WISH_INTENTS = ['publishing', 'confirming', 'cancelling', 'expiring'] as const satisfies readonly WishStatus[]
export type WishIntent = (typeof WISH_INTENTS)[number]
export const isWishIntent = (s: WishStatus): s is WishIntent => (WISH_INTENTS as readonly string[]).includes(s)

/** Open wishes: not yet confirmed, cancelled or expired, nor on the way there. */
export const OPEN_WISH: readonly WishStatus[] = ['published', 'claimed', 'fulfilled']
/** Final states ('refused' too, unless the same wish is posted again). */
export const CLOSED_WISH: readonly WishStatus[] = ['confirmed', 'cancelled', 'expired', 'refused']

/** The state `action` leads to from `status`, or null when it may not follow it. */
export function nextWishStatus(status: WishStatus, action: WishAction): WishStatus | null {
  return NEXT[status][action] ?? null
}

/** The states `action` may follow. */
export const wishStatesAllowing = (action: WishAction): WishStatus[] => WishStatus.options.filter((s) => nextWishStatus(s, action) !== null)

const PAST: Record<WishAction, string> = {
  repost: 'posted again',
  claim: 'claimed',
  release: 'released',
  fulfil: 'fulfilled',
  confirm: 'confirmed',
  cancel: 'cancelled',
  expire: 'expired',
  finish: 'finished',
}

/** The refusal (INVALID_TRANSITION) of `action` on a wish in `status`, or null when it may follow. */
export function wishTransitionRefusal(status: WishStatus, action: WishAction, wishId?: string): CommunityError | null {
  if (nextWishStatus(status, action) !== null) return null
  return new CommunityError(CommunityErrorCode.INVALID_TRANSITION, `a ${status} wish cannot be ${PAST[action]}`, {
    ...(wishId === undefined ? {} : { wishId }),
    status,
    action,
  })
}

/** The state `action` leads to; INVALID_TRANSITION when it may not follow `status`. */
export function wishTransition(status: WishStatus, action: WishAction, wishId?: string): WishStatus {
  const refusal = wishTransitionRefusal(status, action, wishId)
  if (refusal) throw refusal
  return nextWishStatus(status, action) as WishStatus
}

/** What the rules about people need to know of a wish. */
export interface WishParties {
  id: string
  posterId: string
  claimantId: string | null
  deadline: Date | null
}

/** Actions a passed deadline stops: only releasing, cancelling and expiring remain (expireWishes closes it). */
const BEFORE_DEADLINE: readonly WishAction[] = ['claim', 'fulfil', 'confirm']

/**
 * Why `member` (the member acting; undefined for staff acting on the community's behalf) may not take
 * `action` on the wish at `now`, or null when they may. The poster never claims their own wish; only the
 * claimant fulfils it, and only the claimant releases it among members; only the poster confirms or cancels
 * it among members (so the volunteer never confirms what they did). The state itself is checked apart.
 */
export function wishPartyRefusal(wish: WishParties, action: WishAction, now: Date, member?: string): CommunityError | null {
  if (BEFORE_DEADLINE.includes(action) && wish.deadline !== null && now.getTime() >= wish.deadline.getTime()) {
    return new CommunityError(CommunityErrorCode.WISH_PAST_DEADLINE, `wish ${wish.id} is past its deadline`, {
      wishId: wish.id,
      deadline: wish.deadline.toISOString(),
    })
  }
  if (action === 'claim' && member === wish.posterId) {
    return new CommunityError(CommunityErrorCode.WISH_OWN, `the poster of wish ${wish.id} cannot claim it`, { wishId: wish.id })
  }
  if (member === undefined) return null
  if ((action === 'fulfil' || action === 'release') && wish.claimantId !== member) {
    return new CommunityError(CommunityErrorCode.WISH_NOT_CLAIMANT, `member ${member} has not claimed wish ${wish.id}`, {
      wishId: wish.id,
      memberId: member,
    })
  }
  if ((action === 'confirm' || action === 'cancel') && wish.posterId !== member) {
    return new CommunityError(CommunityErrorCode.WISH_NOT_POSTER, `only the poster of wish ${wish.id} may ${action} it`, {
      wishId: wish.id,
      memberId: member,
    })
  }
  return null
}
