/**
 * The API's refusals in plain words for residents: its messages are written for integrators
 * ("member m1 holds no place in activity a1"), so a resident reads a sentence chosen by the refusal's
 * code, and for a policy refusal by the rule it names (with the figures the API gives). A code this
 * table does not know shows the API's own message rather than nothing.
 */
import type { ApiRefusal } from '../../api.js'
import type { MessageKey } from '../../i18n/catalogue.js'
import type { Words } from '../../i18n/translate.js'

const BY_CODE: Record<string, MessageKey> = {
  CHECKIN_CODE_INVALID: 'me.refusal.codeInvalid',
  CHECKIN_CLOSED: 'me.refusal.checkinClosed',
  NOT_SIGNED_UP: 'me.refusal.notSignedUp',
  ALREADY_CHECKED_IN: 'me.refusal.alreadyIn',
  NOT_CHECKED_IN: 'me.refusal.notIn',
  ALREADY_CHECKED_OUT: 'me.refusal.alreadyOut',
  ACTIVITY_CANCELLED: 'me.refusal.activityCancelled',
  ACTIVITY_CLOSED: 'me.refusal.activityClosed',
  ACTIVITY_ENDED: 'me.refusal.activityEnded',
  ACTIVITY_NOT_FOUND: 'me.refusal.notFound',
  MEMBER_NOT_ACTIVE: 'me.refusal.memberNotActive',
  MEMBER_NOT_FOUND: 'me.refusal.memberNotFound',
  INSUFFICIENT_FUNDS: 'me.refusal.insufficient',
  CEILING_EXCEEDED: 'me.refusal.ceiling',
  ACCOUNT_FROZEN: 'me.refusal.frozen',
  ACCOUNT_CLOSED: 'me.refusal.frozen',
  INVALID_AMOUNT: 'me.refusal.invalidAmount',
  OUT_OF_STOCK: 'me.refusal.outOfStock',
  REWARD_INACTIVE: 'me.refusal.rewardInactive',
  REWARD_NOT_FOUND: 'me.refusal.notFound',
  SERVICE_INACTIVE: 'me.refusal.serviceInactive',
  SERVICE_NOT_FOUND: 'me.refusal.notFound',
  WISH_NOT_FOUND: 'me.refusal.notFound',
  WISH_ALREADY_CLAIMED: 'me.refusal.wishTaken',
  WISH_OWN: 'me.refusal.wishOwn',
  WISH_NOT_CLAIMANT: 'me.refusal.wishNotClaimant',
  WISH_NOT_POSTER: 'me.refusal.wishNotPoster',
  WISH_PAST_DEADLINE: 'me.refusal.wishPastDeadline',
  ORDER_NOT_FOUND: 'me.refusal.notFound',
  ORDER_NOT_ALLOWED: 'me.refusal.notAllowed',
  REDEMPTION_NOT_FOUND: 'me.refusal.notFound',
  INVALID_TRANSITION: 'me.refusal.invalidTransition',
  IDEMPOTENCY_CONFLICT: 'me.refusal.duplicate',
  WISH_EXISTS: 'me.refusal.duplicate',
  ORDER_EXISTS: 'me.refusal.duplicate',
  REDEMPTION_EXISTS: 'me.refusal.duplicate',
  VALIDATION: 'me.refusal.validation',
  FORBIDDEN: 'error.forbidden',
  NOT_FOUND: 'me.refusal.notFound',
}

const PER: Record<string, MessageKey> = { month: 'me.per.month', quarter: 'me.per.quarter', year: 'me.per.year' }

const text = (value: unknown): string => (typeof value === 'string' || typeof value === 'number' ? String(value) : '')

/** A POLICY_VIOLATION by the rule it names. */
function policyWords(words: Words, details: Record<string, unknown>): string {
  const { t } = words
  switch (details.rule) {
    case 'minLifetimeHoursToRedeem':
      return t('me.policy.minLifetime', { hours: t('amount.hours', { amount: words.amount(text(details.required)) }) })
    case 'redemptionFrequency': {
      const per = PER[text(details.per)]
      return t('me.policy.frequency', { times: text(details.times), per: per ? t(per) : text(details.per) })
    }
    case 'gifting':
      if (details.asset !== undefined) return t('me.policy.giftAsset')
      if (details.recipients === 'relatives') return t('me.policy.giftRelatives')
      if (details.recipients === 'direct-relatives') return t('me.policy.giftDirect')
      return t('me.policy.giftNone')
    case 'donations':
      return t('me.policy.donations')
    case 'storageCap': {
      const limit = words.amount(text(details.limit))
      return t('me.policy.storageCap', {
        limit: details.asset === 'POINT' ? t('amount.points', { amount: limit }) : t('amount.hours', { amount: limit }),
      })
    }
    case 'serviceAge':
      return t('me.policy.serviceAge', { age: text(details.minAge) })
    case 'poolFundedServices':
      return t('me.policy.poolFunded', { age: text(details.minAge) })
    default:
      return t('me.policy.other')
  }
}

/** What to tell a resident the API declined. */
export function plainRefusal(words: Words, refusal: ApiRefusal): string {
  if (refusal.code === 'POLICY_VIOLATION') return policyWords(words, refusal.details ?? {})
  const key = Object.hasOwn(BY_CODE, refusal.code) ? BY_CODE[refusal.code] : undefined
  return key ? words.t(key) : refusal.message
}
