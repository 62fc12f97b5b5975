import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'
import projects from './vitest.workspace.js'

// Absolute, so the config works from any directory vitest is started in (a package's, say).
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))

/**
 * Workspace packages resolve to their TypeScript source through this export condition (see their
 * package.json), so an edit to one is seen by the tests of every package at once, without a build.
 * Vite replaces its default conditions when given some, so they are restated after ours.
 */
const SOURCE = '@timebank/source'

export default defineConfig({
  resolve: { conditions: [SOURCE, 'module', 'browser', 'development|production'] },
  ssr: { resolve: { conditions: [SOURCE, 'module', 'node', 'development|production'] } },
  test: {
    projects,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    passWithNoTests: false,
    reporters: ['default', here('./scripts/summary-reporter.ts')],
  },
})
