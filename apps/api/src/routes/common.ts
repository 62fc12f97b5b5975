/**
 * Shared pieces of route definitions: a router factory typed with the app's
 * environment, and the bearer security requirement.
 */
import { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../context.js'

/** A sub-router; validation failures go to the app's default hook. */
export const router = () => new OpenAPIHono<AppEnv>()

export const bearer = [{ bearer: [] }]
