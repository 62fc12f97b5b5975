/**
 * The certificates use cases, bound to a community context (see community.ts).
 */
import type { CommunityContext } from '../context.js'

export function certificateUseCases(_ctx: CommunityContext) {
  return {}
}
