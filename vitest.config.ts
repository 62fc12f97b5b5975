import { defineConfig } from 'vitest/config'
import projects from './vitest.workspace.js'

export default defineConfig({
  test: {
    projects,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    passWithNoTests: false,
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
})
