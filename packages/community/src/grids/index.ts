/**
 * The grids use cases, bound to a community context (see community.ts).
 */
import type { CommunityContext } from '../context.js'

export function gridUseCases(_ctx: CommunityContext) {
  return {}
}
