/**
 * The staff console, part 2: wishes, orders and services, the points supermarket and its desk,
 * the honour roll and roll-ups, certificates (and the public verify page), and the policy.
 */
import type { WebApp } from '../../env.js'
import { certificatePages } from './certificates.js'
import { handoverPages } from './handover.js'
import { marketPages } from './market.js'
import { orderPages } from './orders.js'
import { policyPages } from './policies.js'
import { recognitionPages } from './recognition.js'
import { wishPages } from './wishes.js'

export function consolePages(web: WebApp): void {
  wishPages(web)
  orderPages(web)
  marketPages(web)
  handoverPages(web)
  recognitionPages(web)
  certificatePages(web)
  policyPages(web)
}
