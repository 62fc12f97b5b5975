/**
 * Ends every vitest run with one plain line, "N passed, N failed, N skipped",
 * that CI can read whatever runner printed above it. A file that failed without
 * a failing test, and an error outside any test, each count as one failure.
 */
import type { Reporter, TestModule } from 'vitest/node'

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown> = []): void {
    let passed = 0
    let failed = 0
    let skipped = 0
    for (const m of testModules) {
      let failedHere = 0
      for (const t of m.children.allTests()) {
        const state = t.result().state
        if (state === 'passed') passed++
        else if (state === 'failed') failedHere++
        else skipped++
      }
      // A file can fail with none of its tests failing (a beforeAll threw, it would not load): count it once.
      failed += m.state() === 'failed' && failedHere === 0 ? 1 : failedHere
    }
    failed += unhandledErrors.length
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`)
  }
}
