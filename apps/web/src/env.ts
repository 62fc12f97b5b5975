/** What every page handler can use: the reader's words, their session and the API as them. */
import type { Client } from '@timebank/api/client'
import type { Hono } from 'hono'
import type { Locale } from './i18n/catalogue.js'
import type { Words } from './i18n/translate.js'

/** Who is signed in, as the API's `GET /v1/me` answers it. */
export interface Me {
  tenantId: string
  role: 'admin' | 'staff' | 'member'
  memberId: string | null
  gridId: string | null
  user: { id: string; login: string; name: string; hasPassword: boolean } | null
}

export type WebEnv = {
  Variables: {
    locale: Locale
    words: Words
    /** The API session token from the cookie, or null when nobody is signed in. */
    token: string | null
    /** The API as the signed-in user (or anonymous). */
    api: Client
    /** The token to put in every form of this page. */
    csrf: string
    /** The signed-in user, once a page has asked (`requireMe`). */
    me: Me | undefined
    /** The community a sign-in form names by default. */
    defaultTenantId: string
  }
}

/** The web app's type: pages register on it. */
export type WebApp = Hono<WebEnv>
