/**
 * vitest global setup for the ledger-postgres project: one server for all its
 * files (DATABASE_URL, or embedded), handed to tests as `inject('databaseUrl')`.
 */
import type { TestProject } from 'vitest/node'
import { startTestPostgres } from './pg-server.js'

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string
  }
}

export default async function setup(project: TestProject) {
  const server = await startTestPostgres()
  project.provide('databaseUrl', server.url)
  return () => server.stop()
}
