/**
 * The staff console, part 1: the dashboard, members, activities with live attendance and the
 * projector's QR code, and the approval queue. Fixed paths (`…/new`) are registered before the
 * `:id` pages that would otherwise take them.
 */
import type { WebApp } from '../../env.js'
import { activityListPages } from './activities.js'
import { activityPages } from './activity.js'
import { activityQrPage } from './activity-qr.js'
import { approvalPages } from './approvals.js'
import { dashboardPage } from './dashboard.js'
import { memberPages } from './member.js'
import { memberListPages } from './members.js'
import { statementPage } from './statement.js'

export function staffCorePages(web: WebApp): void {
  dashboardPage(web)
  memberListPages(web)
  statementPage(web)
  memberPages(web)
  activityListPages(web)
  activityQrPage(web)
  activityPages(web)
  approvalPages(web)
}
