/**
 * The product end to end for page tests: the API on in-memory PGlite with the web pages in front
 * of it on one real HTTP server, a community with grids, and users to sign in as.
 *
 * @example
 * const w = await startTestWeb()
 * const staff = await w.visitorAs(w.staffUser)
 * expect((await staff.get('/staff')).status).toBe(200)
 * await w.close()
 */
import { type CommunityFixture, setUpCommunity } from '@timebank/api/testing/community-fixture'
import { type TestApi, startTestApi } from '@timebank/api/testing'
import { product } from '../product.js'
import { Visitor } from './visitor.js'

export const PASSWORD = 'correct horse battery'

export interface TestUser {
  id: string
  login: string
  password: string
  tenantId: string
  role: 'admin' | 'staff' | 'member'
  memberId: string | null
}

export interface TestWeb {
  api: TestApi
  url: string
  fx: CommunityFixture
  tenantId: string
  /** An admin and an unlimited staff user of the community. */
  adminUser: TestUser
  staffUser: TestUser
  /** A user for a new active member (with HOUR, POINT and lifetime accounts), through the API as admin. */
  memberUser(options?: { name?: string; gridId?: string | null }): Promise<TestUser & { memberId: string }>
  /** A user of any role, created through the API with the admin key. */
  user(input: { login: string; role: 'admin' | 'staff' | 'member'; memberId?: string; gridId?: string; name?: string }): Promise<TestUser>
  /** A visitor signed in as the user. */
  visitorAs(user: TestUser): Promise<Visitor>
  close(): Promise<void>
}

let seq = 0

export async function startTestWeb(): Promise<TestWeb> {
  const api = await startTestApi({ front: (app, info) => product(app, { defaultTenantId: info.operatorTenantId }) })
  const fx = await setUpCommunity(api)
  const user: TestWeb['user'] = async (input) => {
    const res = await api.request('POST', '/v1/users', {
      key: fx.admin,
      json: { id: `u${++seq}`, name: input.name ?? input.login, password: PASSWORD, ...input },
    })
    if (res.status !== 201) throw new Error(`POST /v1/users answered ${res.status}: ${res.text}`)
    return {
      id: res.body.id,
      login: input.login,
      password: PASSWORD,
      tenantId: fx.tenantId,
      role: input.role,
      memberId: input.memberId ?? null,
    }
  }
  const adminUser = await user({ login: `admin${++seq}`, role: 'admin' })
  const staffUser = await user({ login: `wang${++seq}`, role: 'staff', name: '王社工' })
  return {
    api,
    url: api.url,
    fx,
    tenantId: fx.tenantId,
    adminUser,
    staffUser,
    user,
    async memberUser(options = {}) {
      const m = await fx.member({
        ...(options.name ? { name: options.name } : {}),
        ...(options.gridId !== undefined ? { gridId: options.gridId } : {}),
      })
      const u = await user({ login: `m${++seq}`, role: 'member', memberId: m.id, name: m.name })
      return { ...u, memberId: m.id }
    },
    async visitorAs(u) {
      const v = new Visitor(api.url)
      const res = await v.signIn({ tenantId: u.tenantId, login: u.login, password: u.password })
      if (res.status !== 303) throw new Error(`signing in as ${u.login} answered ${res.status}: ${res.text.slice(0, 300)}`)
      return v
    },
    close: () => api.close(),
  }
}
