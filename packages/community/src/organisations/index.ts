/**
 * The organisations use cases, bound to a community context (see community.ts).
 */
import type { CommunityContext } from '../context.js'

export function organisationUseCases(_ctx: CommunityContext) {
  return {}
}
