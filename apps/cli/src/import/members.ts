/**
 * `timebank import members`: a register of residents (one per row) made into
 * registrations (`POST /v1/members`), approved at once with `--approve`. The
 * member id is the sheet's own id column, else derived from the ID number or
 * phone (fields.ts), so importing the same sheet again replays every row.
 *
 * Columns: 编号/memberId, 姓名/name (required), 手机/phone, 身份证号/idNumber,
 * 出生日期/birthDate, 网格/gridId.
 */
import { RegisterMemberInput } from '@timebank/community'
import { attempt } from '../api.js'
import { memberIdOf, normalizeDate } from './fields.js'
import { type ImportKind, validate } from './kind.js'

export const MEMBER_COLUMNS = {
  memberId: ['编号', '会员编号', 'id'],
  name: ['姓名', '名字'],
  phone: ['手机', '手机号', '电话', '联系电话', 'mobile'],
  idNumber: ['身份证号', '身份证', '证件号码', 'id number'],
  birthDate: ['出生日期', '生日', 'birthday'],
  gridId: ['网格', '网格编号', 'grid'],
} as const

export const members: ImportKind = {
  noun: 'members',
  aliases: MEMBER_COLUMNS,
  build(f, values) {
    const id = memberIdOf(f)
    if (id === undefined) {
      return { refusal: { code: 'VALIDATION', message: 'memberId: give a member id, a valid ID number or a valid phone to key the row' } }
    }
    const body: Record<string, unknown> = {
      id,
      name: f.name ?? '',
      ...(f.phone !== undefined ? { phone: f.phone } : {}),
      ...(f.idNumber !== undefined ? { idNumber: f.idNumber } : {}),
      ...(f.birthDate !== undefined ? { birthDate: normalizeDate(f.birthDate) } : {}),
      ...(f.gridId !== undefined ? { gridId: f.gridId } : {}),
      ...(values.approve ? { approve: true } : {}),
    }
    const refusal = validate(RegisterMemberInput, { ...body, tenantId: 'local', actor: 'cli' })
    return refusal ? { refusal } : { id, body }
  },
  async check(client, id, body) {
    if (typeof body.gridId === 'string') {
      const grid = await attempt(client.v1.grids[':gridId'].$get({ param: { gridId: body.gridId } }))
      if (!grid.ok) return grid
    }
    const found = await attempt(client.v1.members[':memberId'].$get({ param: { memberId: id } }))
    if (found.ok) return 'exists'
    return found.code === 'MEMBER_NOT_FOUND' ? 'new' : found
  },
  send: (client, body) => attempt(client.v1.members.$post({ json: body as never })),
}
