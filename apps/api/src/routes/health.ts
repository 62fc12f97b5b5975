/**
 * `GET /healthz`: 200 when storage answers a query, 503 when it does not, when
 * it does not within `timeoutMs` (a hung storage must not hang the probe), or
 * while the server drains for shutdown (so load balancers stop sending).
 */
import { createRoute, z } from '@hono/zod-openapi'
import { ApiError, isApiError, storageUnavailable } from '../errors.js'
import { errors, json } from '../schemas.js'
import { noKey, router } from './common.js'

const healthz = createRoute({
  method: 'get',
  path: '/healthz',
  operationId: 'getHealth',
  tags: ['Operations'],
  security: noKey,
  summary: 'Liveness and storage check',
  responses: {
    200: json(z.object({ status: z.literal('ok'), storage: z.string() }).openapi('Health'), 'Storage answers'),
    ...errors(503),
  },
})

export interface HealthOptions {
  /** Resolves when storage answers; rejects otherwise. */
  check: () => Promise<void>
  /** Name of the storage, e.g. "pglite" or "postgres". */
  storage: string
  isDraining?: () => boolean
  /** How long the check may take before /healthz answers 503 (HEALTH_TIMEOUT_MS). */
  timeoutMs?: number
}

export const DEFAULT_HEALTH_TIMEOUT_MS = 2000

/** Resolves when `check` does; rejects with UNAVAILABLE when it fails or takes longer than `timeoutMs`. */
async function boundedCheck(check: () => Promise<void>, timeoutMs: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ApiError('UNAVAILABLE', `storage did not answer within ${timeoutMs} ms`)), timeoutMs)
  })
  const run = check()
  try {
    await Promise.race([run, late])
  } catch (e) {
    // A check that fails after the deadline must not become an unhandled rejection.
    run.catch(() => {})
    if (isApiError(e) && e.code === 'UNAVAILABLE') throw e
    const outage = storageUnavailable(e)
    throw new ApiError('UNAVAILABLE', outage ? `storage does not answer: ${outage}` : 'storage does not answer')
  } finally {
    clearTimeout(timer)
  }
}

export function healthRoutes(options: HealthOptions) {
  const timeoutMs = options.timeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS
  return router().openapi(healthz, async (c) => {
    if (options.isDraining?.()) throw new ApiError('UNAVAILABLE', 'shutting down')
    await boundedCheck(options.check, timeoutMs)
    return c.json({ status: 'ok' as const, storage: options.storage }, 200)
  })
}
