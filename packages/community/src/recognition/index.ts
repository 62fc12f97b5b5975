/**
 * The recognition use cases, bound to a community context (see community.ts).
 */
import type { CommunityContext } from '../context.js'

export function recognitionUseCases(_ctx: CommunityContext) {
  return {}
}
