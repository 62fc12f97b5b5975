/**
 * One server for the product: the API's paths go to the API app, everything else to the pages.
 * The pages themselves call the same API app in-process.
 */
import type { ApiFetch } from './api.js'
import { createWeb } from './web.js'

const API_PATH = /^\/(v1\/|v1$|openapi\.json$|docs(\/|$)|healthz$)/

/** True for a path the API answers. */
export const isApiPath = (pathname: string): boolean => API_PATH.test(pathname)

export interface ProductOptions {
  defaultTenantId: string
  timeZone?: string
  trustProxyHops?: number
}

/** The API and the web pages behind one fetch. */
export function product(
  api: { fetch: (request: Request, env?: unknown) => Response | Promise<Response> },
  options: ProductOptions,
): { fetch: (request: Request, env?: unknown) => Response | Promise<Response> } {
  const apiFetch: ApiFetch = (request, env) => api.fetch(request, env)
  const web = createWeb({ api: apiFetch, ...options })
  return {
    // The server's env (the socket) goes along: the API reads the client's address off it, and so do the pages.
    fetch: (request, env) => {
      const path = request.url.slice(request.url.indexOf('/', request.url.indexOf('//') + 2))
      return isApiPath(path) ? api.fetch(request, env) : web.fetch(request, env)
    },
  }
}
