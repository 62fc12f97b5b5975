/**
 * How a schema's refusal is told, the same wherever input is validated (the
 * ledger, the packages built on it): a message naming the first problem, and
 * at most 20 issues with their paths.
 *
 * @example
 * const { message, issues } = describeIssues(result.error)
 */
import type { z } from 'zod'

export interface ValidationIssues {
  message: string
  issues: { path: string; message: string }[]
}

export function describeIssues(error: z.ZodError): ValidationIssues {
  const issues = error.issues.slice(0, 20).map((i) => ({ path: i.path.map(String).join('.'), message: i.message }))
  const first = issues[0]
  return { message: first ? `${first.path || 'input'}: ${first.message}` : 'invalid input', issues }
}
