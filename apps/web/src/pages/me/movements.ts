/**
 * What a movement of a resident's hours or points was for, read from the ledger id the community
 * gives each of its steps (`gift:<id>`, `hours:<record>`, `redeem:<id>:points`, …; see
 * packages/community/src/domain/ids.ts): the history names no purpose of its own. Which way the
 * value went (the entry's sign) tells a gift given from one received. An id of no known kind reads
 * as "other".
 */
import type { MessageKey } from '../../i18n/catalogue.js'

const KINDS: Record<string, { in: MessageKey; out: MessageKey }> = {
  hours: { in: 'me.for.service', out: 'me.for.correction' },
  points: { in: 'me.for.service', out: 'me.for.correction' },
  lifetime: { in: 'me.for.service', out: 'me.for.correction' },
  excess: { in: 'me.for.excess', out: 'me.for.excess' },
  gift: { in: 'me.for.giftIn', out: 'me.for.giftOut' },
  donation: { in: 'me.for.donation', out: 'me.for.donation' },
  welcome: { in: 'me.for.welcome', out: 'me.for.correction' },
  expire: { in: 'me.for.expiry', out: 'me.for.expiry' },
  wish: { in: 'me.for.wishReward', out: 'me.for.wish' },
  redeem: { in: 'me.for.marketBack', out: 'me.for.market' },
  order: { in: 'me.for.orderProvided', out: 'me.for.orderPaid' },
  policy: { in: 'me.for.policy', out: 'me.for.policy' },
}

/** The words for an entry: its transfer id and signed amount as the history gives them. */
export function movementFor(entry: { transferId: string; amount: string }): MessageKey {
  const kind = entry.transferId.slice(0, entry.transferId.indexOf(':'))
  const known = Object.hasOwn(KINDS, kind) ? KINDS[kind] : undefined
  if (!known) return 'me.for.other'
  // A reversal undoes a step: whichever way it goes, it is a correction.
  if (entry.transferId.endsWith(':reversal')) return 'me.for.correction'
  return entry.amount.startsWith('-') ? known.out : known.in
}
