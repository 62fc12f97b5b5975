/**
 * A tenant with its community set up, for route tests: the grid tree
 * `root` > `g1`, `g2` (Asia/Shanghai), an admin key, an unlimited staff key, a
 * staff key limited to `g1` (a grid leader's), and helpers that make members
 * (active or applied, placed in a grid) with member keys. The tenant and keys
 * go through the API; grids and members through the community's use cases (the
 * same database), so a test of other routes does not lean on the member and
 * grid routes.
 *
 * @example
 * const api = await startTestApi()
 * const fx = await setUpCommunity(api)
 * const ana = await fx.member({ gridId: 'g1', name: '张小明' })
 * await api.request('GET', `/v1/members/${ana.id}`, { key: ana.key })   // 200, in full
 * await api.request('GET', `/v1/members/${ana.id}`, { key: fx.g2Staff })  // 404
 */
import type { Member, RegisterMemberInput } from '@timebank/community'
import type { RequestOptions, TestApi } from './harness.js'

/** Made by the fixture: written into `createdBy`, `placedBy` and the like. */
export const FIXTURE_ACTOR = 'test-fixture'

export interface FixtureMember {
  id: string
  name: string
  /** The member key's secret (`Authorization: Bearer <key>`), bound to owner member:<id>. */
  key: string
  keyId: string
  /** The member as registered (or approved). */
  member: Member
}

export interface MemberOptions {
  /** Default: a fresh `m<n>`. */
  id?: string
  /** Default: a three-character Chinese name, unique within the fixture. */
  name?: string
  /** The grid to place the member in (default `g1`); null for none. */
  gridId?: string | null
  phone?: string
  idNumber?: string
  birthDate?: string
  /** Leave the member an application (`applied`), not approved. */
  applied?: boolean
}

export interface CommunityFixture {
  api: TestApi
  tenantId: string
  /** Admin key of the tenant. */
  admin: string
  /** Staff key over the whole community. */
  staff: string
  /** Staff key limited to grid `g1`'s subtree. */
  g1Staff: string
  /** Staff key limited to grid `g2`'s subtree. */
  g2Staff: string
  keyIds: { admin: string; staff: string; g1Staff: string; g2Staff: string }
  /** An active member (with HOUR, POINT and LIFETIME_HOUR accounts) and a member key; or an applicant with `applied: true`. */
  member(options?: MemberOptions): Promise<FixtureMember>
  /** A new member key for an existing (or not yet existing) member id. */
  memberKey(memberId: string): Promise<{ key: string; keyId: string }>
  /** Another key of the tenant: `{ name, role, owner?, gridId? }` as `POST /v1/keys` takes it. */
  key(body: {
    name: string
    role: 'admin' | 'staff' | 'member'
    owner?: { type: 'member' | 'organisation'; id: string }
    gridId?: string
  }): Promise<{
    key: string
    keyId: string
  }>
  /** A grid of the tenant, made through the use case. */
  grid(id: string, parentId: string | null, level?: 'community' | 'grid' | 'subgrid' | 'building' | 'unit' | 'other'): Promise<void>
}

let tenants = 0
let members = 0

const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗']
const GIVEN = [...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰']

/** A three-character name, different for every n below 20 × 30 × 30. */
const nameOf = (n: number) =>
  `${SURNAMES[n % SURNAMES.length]}${GIVEN[Math.floor(n / SURNAMES.length) % GIVEN.length]}${
    GIVEN[Math.floor(n / (SURNAMES.length * GIVEN.length)) % GIVEN.length]
  }`

/** Set a community up on a new tenant (`cf<n>` unless named) through the API; see the module comment. */
export async function setUpCommunity(api: TestApi, tenantId = `cf${++tenants}`): Promise<CommunityFixture> {
  const must = async (method: string, path: string, o: RequestOptions, status = 201) => {
    const res = await api.request(method, path, o)
    if (res.status !== status) throw new Error(`${method} ${path} answered ${res.status}: ${res.text}`)
    return res.body
  }
  const created = await must('POST', '/v1/tenants', { key: api.operatorKey, json: { id: tenantId, name: `Community ${tenantId}` } })
  const admin = created.adminKey.secret as string
  await must('PUT', '/v1/community', { key: admin, json: { name: `Community ${tenantId}`, settings: { timeZone: 'Asia/Shanghai' } } }, 200)

  const grid: CommunityFixture['grid'] = async (id, parentId, level = parentId === null ? 'community' : 'grid') => {
    await api.community.createGrid({ tenantId, id, parentId, name: `Grid ${id}`, level, actor: FIXTURE_ACTOR })
  }
  await grid('root', null)
  await grid('g1', 'root')
  await grid('g2', 'root')

  const key: CommunityFixture['key'] = async (body) => {
    const made = await must('POST', '/v1/keys', { key: admin, json: body })
    return { key: made.secret as string, keyId: made.key.id as string }
  }
  const staff = await key({ name: 'staff', role: 'staff' })
  const g1Staff = await key({ name: 'g1 leader', role: 'staff', gridId: 'g1' })
  const g2Staff = await key({ name: 'g2 leader', role: 'staff', gridId: 'g2' })
  const memberKey = (memberId: string) => key({ name: `member ${memberId}`, role: 'member', owner: { type: 'member', id: memberId } })

  const member = async (o: MemberOptions = {}): Promise<FixtureMember> => {
    const n = ++members
    const id = o.id ?? `m${n}`
    const name = o.name ?? nameOf(n)
    const gridId = o.gridId === undefined ? 'g1' : o.gridId
    const input: RegisterMemberInput = {
      tenantId,
      id,
      name,
      actor: FIXTURE_ACTOR,
      approve: o.applied !== true,
      ...(gridId !== null ? { gridId } : {}),
      ...(o.phone !== undefined ? { phone: o.phone } : {}),
      ...(o.idNumber !== undefined ? { idNumber: o.idNumber } : {}),
      ...(o.birthDate !== undefined ? { birthDate: o.birthDate } : {}),
    }
    const { member: made } = await api.community.registerMember(input)
    return { id, name, member: made, ...(await memberKey(id)) }
  }

  return {
    api,
    tenantId,
    admin,
    staff: staff.key,
    g1Staff: g1Staff.key,
    g2Staff: g2Staff.key,
    keyIds: { admin: created.adminKey.key.id, staff: staff.keyId, g1Staff: g1Staff.keyId, g2Staff: g2Staff.keyId },
    member,
    memberKey,
    key,
    grid,
  }
}
