/**
 * The service catalogue use cases, bound to a community context (see community.ts).
 *
 * @example
 * await community.createService({ tenantId, id: 'haircut', name: '上门理发', hours: '1', actor: 'key_1' })
 */
import type { CommunityContext, InputOf as Input } from '../context.js'
import { createService, getService, listServices, updateService } from './services.js'

export function serviceUseCases(ctx: CommunityContext) {
  return {
    /** Add a service to the catalogue; idempotent by id. Codes: VALIDATION, COMMUNITY_NOT_FOUND, SERVICE_EXISTS. */
    createService: (input: Input<typeof createService>) => createService(ctx, input),
    /** Change a service (orders placed keep their hours). Codes: VALIDATION, SERVICE_NOT_FOUND. */
    updateService: (input: Input<typeof updateService>) => updateService(ctx, input),
    /** Codes: VALIDATION, SERVICE_NOT_FOUND. */
    getService: (input: Input<typeof getService>) => getService(ctx, input),
    /** A page by id. Codes: VALIDATION, COMMUNITY_NOT_FOUND. */
    listServices: (input: Input<typeof listServices>) => listServices(ctx, input),
  }
}
