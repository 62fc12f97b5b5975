/**
 * Closed-loop load: `callers` async loops, each starting its next operation as
 * soon as the last one finished, until the deadline. Work in flight at the
 * deadline completes and is counted; elapsed time runs until the last caller stops.
 *
 * @example
 * const r = await closedLoop(8, 1000, async () => { await ledger.transfer(...); return 1 })
 */
export interface RoundWork {
  /** Units of work done (transfers, reads, requests). */
  work: number
  elapsedMs: number
  errors: number
  firstError?: string
}

const MAX_ERRORS = 200

export async function closedLoop(callers: number, durationMs: number, op: (caller: number) => Promise<number>): Promise<RoundWork> {
  const start = performance.now()
  const deadline = start + durationMs
  let work = 0
  let errors = 0
  let firstError: string | undefined
  await Promise.all(
    Array.from({ length: callers }, async (_, caller) => {
      while (performance.now() < deadline && errors < MAX_ERRORS) {
        try {
          // Not `work += await op()`: that reads `work` before awaiting and loses the other callers' counts.
          const done = await op(caller)
          work += done
        } catch (e) {
          errors++
          firstError ??= e instanceof Error ? `${e.name}: ${e.message}` : String(e)
        }
      }
    }),
  )
  const out: RoundWork = { work, elapsedMs: performance.now() - start, errors }
  if (firstError !== undefined) out.firstError = firstError
  return out
}
