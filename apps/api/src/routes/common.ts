/**
 * Shared pieces of route definitions: a router factory typed with the app's
 * environment, the security requirements, the idempotency parts of a write's
 * documentation, and request bodies with examples.
 *
 * @example
 * createRoute({ ...idempotent, security: bearer, request: { body: jsonRequest(OpenAccountBody, { member: { summary, value } }) },
 *   responses: { 201: replayable(json(AccountSchema, 'The account')) } })
 */
import { OpenAPIHono, type z } from '@hono/zod-openapi'
import type { AppEnv } from '../context.js'
import { REPLAYED_HEADER } from '../idempotency.js'
import { HEADER_REFS, IDEMPOTENCY_KEY_REF } from '../openapi.js'

/** A sub-router; validation failures go to the app's default hook. */
export const router = () => new OpenAPIHono<AppEnv>()

/** Operations that need an API key. */
export const bearer = [{ bearer: [] }]

/** Operations anyone may call: no key is read. */
export const noKey = []

/** Writes that read the `Idempotency-Key` header (through `writeId` or `idempotencyHeader`). */
export const idempotent = { parameters: [IDEMPOTENCY_KEY_REF] }

/** A write's success response, which carries `Idempotency-Replayed: true` on a replay (`markReplayed`). */
export const replayable = <R extends { description: string }>(response: R) => ({
  ...response,
  headers: { [REPLAYED_HEADER]: HEADER_REFS.replayed },
})

/** Named request examples, type-checked against the body they illustrate. */
type Examples<S extends z.ZodType> = Record<string, { summary: string; value: z.input<S> }>

/** A required JSON request body, with examples. */
export const jsonRequest = <S extends z.ZodType>(schema: S, examples: Examples<S>) => ({
  content: { 'application/json': { schema, examples } },
  required: true as const,
})

/** A JSON request body that may be left out, with examples. */
export const optionalJsonRequest = <S extends z.ZodType>(schema: S, examples: Examples<S>) => ({
  content: { 'application/json': { schema, examples } },
  required: false as const,
})
