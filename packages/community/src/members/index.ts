/**
 * The members use cases, bound to a community context (see community.ts).
 */
import type { CommunityContext } from '../context.js'

export function memberUseCases(_ctx: CommunityContext) {
  return {}
}
