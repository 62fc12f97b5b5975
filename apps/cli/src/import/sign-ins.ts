/**
 * `timebank import sign-ins`: a paper sign-in sheet (签到表) typed into Excel,
 * one row per member and session, made into manual hour records
 * (`POST /v1/hour-records`) that wait for approval.
 *
 * Why manual records and not check-ins/outs: a check-in is stamped with the
 * moment the request arrives (only check-out takes a time), so entering a
 * sheet after the activity would record the wrong start. A manual record
 * carries the times the sheet shows, may name the activity, and must be
 * approved by someone other than who entered it: the second pair of eyes a
 * sheet typed in by hand wants.
 *
 * The record id comes from what makes it the same service (member, activity or
 * task kind, start), so a second import replays it; the same service with
 * other hours is refused (RECORD_EXISTS), never credited twice.
 *
 * Columns: 编号/memberId (else 身份证号/idNumber or 手机/phone, keyed as in
 * the member import), 姓名/name (for people only), 活动/activityId, 类型/kind,
 * 日期/date, 开始/start, 结束/end (required), 时长/hours, 角色/role, 备注/note.
 */
import { CreateRecordInput } from '@timebank/community'
import { attempt } from '../api.js'
import { instantOf, memberIdOf, recordIdOf, roleOf } from './fields.js'
import { type ImportKind, validate } from './kind.js'

export const SIGN_IN_COLUMNS = {
  memberId: ['编号', '会员编号', 'id'],
  name: ['姓名', '名字'],
  phone: ['手机', '手机号', '电话', '联系电话', 'mobile'],
  idNumber: ['身份证号', '身份证', '证件号码', 'id number'],
  activityId: ['活动', '活动编号', 'activity'],
  kind: ['类型', '服务类型', '任务类型'],
  date: ['日期', '服务日期'],
  start: ['开始', '开始时间', '签到', '签到时间', 'check-in', 'started at'],
  end: ['结束', '结束时间', '签退', '签退时间', 'check-out', 'ended at'],
  hours: ['时长', '小时', '时数'],
  role: ['角色'],
  note: ['备注'],
} as const

const refuse = (message: string) => ({ refusal: { code: 'VALIDATION', message } })

export const signIns: ImportKind = {
  noun: 'sign-ins',
  aliases: SIGN_IN_COLUMNS,
  build(f, values) {
    const memberId = memberIdOf(f)
    if (memberId === undefined) return refuse('memberId: give a member id, a valid ID number or a valid phone')
    const offset = values['utc-offset'] ?? '+08:00'
    const startedAt = instantOf(f.start, f.date, offset)
    const endedAt = instantOf(f.end, f.date, offset)
    if (startedAt === undefined) return refuse('start: a time (14:00, with a date column) or a date and time')
    if (endedAt === undefined) return refuse('end: a time (16:00, with a date column) or a date and time')
    const activityId = f.activityId ?? values.activity
    const kind = f.kind ?? values.kind
    const body: Record<string, unknown> = {
      memberId,
      kind: kind ?? '',
      startedAt,
      endedAt,
      ...(f.hours !== undefined ? { hours: f.hours } : {}),
      ...(f.role !== undefined ? { role: roleOf(f.role) } : {}),
      ...(activityId !== undefined ? { activityId } : {}),
      ...(f.note !== undefined ? { note: f.note } : {}),
    }
    const refusal = validate(CreateRecordInput, { ...body, id: 'local', tenantId: 'local', actor: 'cli' })
    if (refusal) return { refusal }
    const id = recordIdOf(memberId, activityId ?? `kind:${kind}`, startedAt)
    return { id, body: { id, ...body } }
  },
  async check(client, id, body) {
    const memberId = String(body.memberId)
    const member = await attempt<{ status: string }>(client.v1.members[':memberId'].$get({ param: { memberId } }))
    if (!member.ok) return member
    if (member.body.status !== 'active') return { code: 'MEMBER_NOT_ACTIVE', message: `member ${memberId} is ${member.body.status}` }
    const found = await attempt(client.v1['hour-records'][':recordId'].$get({ param: { recordId: id } }))
    if (found.ok) return 'exists'
    return found.code === 'RECORD_NOT_FOUND' ? 'new' : found
  },
  send: (client, body) => attempt(client.v1['hour-records'].$post({ json: body as never })),
}
