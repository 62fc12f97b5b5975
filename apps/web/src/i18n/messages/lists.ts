import { messages } from './define.js'

/**
 * Closing a held activity, a resident's own sign-ups, the certificates list and the roll-up series:
 * pages that read one API list each instead of many calls.
 */
export const lists = messages(
  {
    'staff.activityStatus.closed': '已结束',
    'staff.activity.close': '结束活动',
    'staff.activity.closeIntro':
      '活动结束后可以结束它：之后不能再报名、签到或签退。还没签退的人按活动结束时间签退，生成待审核的时长记录（由您代为签退，需要另一位工作人员审核）。',
    'staff.activity.closeConfirm': '确认结束这个活动',
    'staff.activity.done.closed': '活动已结束，未签退的人已按结束时间签退。',
    'staff.refusal.activityClosed': '活动已结束',
    'staff.refusal.activityNotEnded': '活动还没结束，不能结束；如果不办了，请取消活动',

    'me.refusal.activityClosed': '这个活动已经结束了。',
    'me.activities.mine': '我的报名',
    'me.activities.mineNone': '您还没有报名任何活动。',
    'me.activities.state.signed': '已报名',
    'me.activities.state.waitlisted': '候补第 {position} 位',
    'me.activities.state.cancelled': '已取消',
    'me.activities.state.checkedIn': '已签到',
    'me.activities.state.checkedOut': '已签退',

    'console.certs.all': '全部证明',
    'console.certs.year': '签发年份',
    'console.certs.member': '志愿者',

    'console.rollups.pointsAxis': '积分',
    'console.rollups.monthlyPoints': '近 12 个月每月积分',
  },
  {
    'staff.activityStatus.closed': 'Closed',
    'staff.activity.close': 'Close the activity',
    'staff.activity.closeIntro':
      'Once the activity has ended, close it: no more sign-ups, check-ins or check-outs. Whoever has not checked out is checked out at the end time, making a pending hour record (checked out by you, so another staff member approves it).',
    'staff.activity.closeConfirm': 'Yes, close this activity',
    'staff.activity.done.closed': 'The activity is closed; whoever had not checked out was checked out at the end time.',
    'staff.refusal.activityClosed': 'The activity is closed',
    'staff.refusal.activityNotEnded': 'The activity has not ended yet; cancel it if it is not going ahead',

    'me.refusal.activityClosed': 'This activity has finished.',
    'me.activities.mine': 'My sign-ups',
    'me.activities.mineNone': 'You have not signed up for any activity yet.',
    'me.activities.state.signed': 'Signed up',
    'me.activities.state.waitlisted': 'Waiting list, number {position}',
    'me.activities.state.cancelled': 'Cancelled',
    'me.activities.state.checkedIn': 'Checked in',
    'me.activities.state.checkedOut': 'Checked out',

    'console.certs.all': 'All certificates',
    'console.certs.year': 'Year issued',
    'console.certs.member': 'Volunteer',

    'console.rollups.pointsAxis': 'Points',
    'console.rollups.monthlyPoints': 'Points per month, last 12 months',
  },
)
