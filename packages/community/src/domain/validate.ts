/**
 * Validate a use case's input with its schema: a refusal is a CommunityError
 * VALIDATION told the ledger's way (describeIssues), and changes nothing.
 *
 * @example
 * const input = parse(ApproveInput, raw)
 */
import { describeIssues } from '@timebank/ledger/kit'
import type { z } from 'zod'
import { CommunityError, CommunityErrorCode } from './errors.js'

export function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input)
  if (result.success) return result.data
  const { message, issues } = describeIssues(result.error)
  throw new CommunityError(CommunityErrorCode.VALIDATION, message, { issues })
}
