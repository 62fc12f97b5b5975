/** The resident's pages (issue #10): a member's own hours, points, activities, wishes, orders, rewards, gifts and certificates. */
import type { WebApp } from '../../env.js'
import { activityPages } from './activities.js'
import { certificatePages } from './certificates.js'
import { checkinPages } from './checkin.js'
import { giftPages } from './gifts.js'
import { homePages } from './home.js'
import { marketPages } from './market.js'
import { orderPages } from './orders.js'
import { wishPages } from './wishes.js'

export function residentPages(web: WebApp): void {
  homePages(web)
  activityPages(web)
  checkinPages(web)
  wishPages(web)
  orderPages(web)
  marketPages(web)
  giftPages(web)
  certificatePages(web)
}
