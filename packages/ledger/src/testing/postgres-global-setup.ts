/**
 * vitest global setup for the ledger-postgres project: one server for all its
 * files (DATABASE_URL, or embedded), read by tests through `testDatabaseUrl()`.
 * A server that cannot start does not throw here, which would end the whole run
 * (every project): the reason is provided instead, and those suites fail with it.
 */
import type { TestProject } from 'vitest/node'
import { startTestPostgres } from './pg-server.js'

export default async function setup(project: TestProject) {
  try {
    const server = await startTestPostgres()
    project.provide('databaseUrl', server.url)
    project.provide('databaseError', '')
    return () => server.stop()
  } catch (e) {
    project.provide('databaseUrl', '')
    project.provide('databaseError', e instanceof Error ? e.message : String(e))
    return undefined
  }
}
