/**
 * The activities use cases, bound to a community context (see community.ts).
 */
import type { CommunityContext } from '../context.js'

export function activityUseCases(_ctx: CommunityContext) {
  return {}
}
