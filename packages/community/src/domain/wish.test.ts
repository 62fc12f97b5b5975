import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CLOSED_WISH, WISH_INTENTS, type WishAction, WishStatus, nextWishStatus, wishPartyRefusal, wishTransition } from './wish.js'

const ACTIONS: WishAction[] = ['repost', 'claim', 'release', 'fulfil', 'confirm', 'cancel', 'expire', 'finish']
const wish = { id: 'w', posterId: 'lili', claimantId: 'bo', deadline: new Date('2026-03-02T02:00:00Z') }
const before = new Date('2026-03-02T01:00:00Z')

describe('the wish state machine', () => {
  it('leaves a closed wish no action, and an intent only its finish', () => {
    for (const s of CLOSED_WISH.filter((x) => x !== 'refused')) for (const a of ACTIONS) expect(nextWishStatus(s, a)).toBeNull()
    for (const s of WISH_INTENTS) expect(ACTIONS.filter((a) => nextWishStatus(s, a) !== null)).toEqual(['finish'])
  })

  it('refuses every action it does not allow with INVALID_TRANSITION, whatever the state', () => {
    fc.assert(
      fc.property(fc.constantFrom(...WishStatus.options), fc.constantFrom(...ACTIONS), (s, a) => {
        const next = nextWishStatus(s, a)
        if (next === null) expect(() => wishTransition(s, a)).toThrow(expect.objectContaining({ code: 'INVALID_TRANSITION' }))
        else expect(WishStatus.options).toContain(wishTransition(s, a))
      }),
    )
  })

  it('keeps the poster from claiming, the volunteer from confirming, and everyone from claiming past the deadline', () => {
    expect(wishPartyRefusal({ ...wish, claimantId: null }, 'claim', before, 'lili')?.code).toBe('WISH_OWN')
    expect(wishPartyRefusal(wish, 'confirm', before, 'bo')?.code).toBe('WISH_NOT_POSTER')
    expect(wishPartyRefusal(wish, 'confirm', before, 'lili')).toBeNull()
    expect(wishPartyRefusal(wish, 'fulfil', before, 'chen')?.code).toBe('WISH_NOT_CLAIMANT')
    expect(wishPartyRefusal(wish, 'claim', wish.deadline, 'chen')?.code).toBe('WISH_PAST_DEADLINE')
    expect(wishPartyRefusal(wish, 'cancel', wish.deadline)).toBeNull()
  })
})
