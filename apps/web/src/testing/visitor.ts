/**
 * A browser without a browser, for page tests: it keeps cookies, follows nothing by itself, and
 * posts forms with the CSRF token of the last page it read, as a real form would carry it.
 *
 * @example
 * const v = new Visitor(web.url)
 * await v.signIn({ tenantId, login: 'wang', password })
 * const page = await v.get('/staff')
 * expect(page.status).toBe(200)
 */
export interface Visit {
  status: number
  headers: Headers
  text: string
  /** The Location of a redirect, as a path when it is on this site. */
  location: string | null
}

const CSRF_INPUT = /<input type="hidden" name="_csrf" value="([^"]+)"/

export class Visitor {
  readonly cookies = new Map<string, string>()
  /** The CSRF token of the last page read that had a form. */
  csrf: string | null = null

  /** `fetchFn` answers the requests: the network by default, or a server's `fetch` in process (the benchmarks). */
  constructor(
    readonly baseUrl: string,
    private readonly fetchFn: (url: string, init: RequestInit) => Promise<Response> = fetch,
  ) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  private keep(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a))
      if (expired || value === '') this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }

  async request(method: string, path: string, body?: URLSearchParams, headers: Record<string, string> = {}): Promise<Visit> {
    const res = await this.fetchFn(`${this.baseUrl}${path}`, {
      method,
      redirect: 'manual',
      headers: { cookie: this.cookieHeader(), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...headers },
      ...(body ? { body } : {}),
    })
    this.keep(res)
    const text = await res.text()
    const token = CSRF_INPUT.exec(text)?.[1]
    if (token) this.csrf = token.replace(/&amp;/g, '&')
    const location = res.headers.get('location')
    return {
      status: res.status,
      headers: res.headers,
      text,
      location: location?.startsWith(this.baseUrl) ? location.slice(this.baseUrl.length) : location,
    }
  }

  get(path: string): Promise<Visit> {
    return this.request('GET', path)
  }

  /** Post a form with the CSRF token of the last page read (unless `_csrf` is given, or `csrf: false`). */
  post(path: string, fields: Record<string, string | string[]>, options: { csrf?: boolean } = {}): Promise<Visit> {
    const body = new URLSearchParams()
    for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one)
    if (options.csrf !== false && !('_csrf' in fields) && this.csrf) body.set('_csrf', this.csrf)
    return this.request('POST', path, body)
  }

  /** Read the sign-in page (for its token) and sign in; the answer is the redirect. */
  async signIn(input: { tenantId: string; login: string; password: string; next?: string }): Promise<Visit> {
    await this.get('/signin')
    const res = await this.post('/signin', {
      tenantId: input.tenantId,
      login: input.login,
      password: input.password,
      next: input.next ?? '/',
    })
    if (res.status === 303) this.csrf = null
    return res
  }
}
