/**
 * `GET /healthz`: 200 when storage answers a query, 503 when it does not or
 * while the server drains for shutdown (so load balancers stop sending).
 */
import { createRoute, z } from '@hono/zod-openapi'
import { ApiError } from '../errors.js'
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
}

export function healthRoutes(options: HealthOptions) {
  return router().openapi(healthz, async (c) => {
    if (options.isDraining?.()) throw new ApiError('UNAVAILABLE', 'shutting down')
    try {
      await options.check()
    } catch {
      throw new ApiError('UNAVAILABLE', 'storage does not answer')
    }
    return c.json({ status: 'ok' as const, storage: options.storage }, 200)
  })
}
