/**
 * Concurrent calls share one trip to storage: at most `limit` calls run at
 * once; while all are busy, new items wait, and when a call finishes the
 * waiting items (up to `maxGroup`, oldest first) go in the next call together.
 * A lone item is never delayed: with a free slot it runs at once.
 *
 * @example
 * const submit = coalesce((group) => writeAll(group), { limit: 4, maxGroup: 1000 })
 * const result = await submit(write)
 */
export interface CoalesceOptions {
  /** Calls in flight at most. */
  limit: number
  /** Items per call at most. */
  maxGroup: number
}

interface Waiting<T, R> {
  item: T
  resolve: (r: R) => void
  reject: (e: unknown) => void
}

/** `run` gets a group and answers one result per item, in order; if it throws, every item of the group fails with it. */
export function coalesce<T, R>(run: (group: T[]) => Promise<R[]>, options: CoalesceOptions): (item: T) => Promise<R> {
  const limit = Math.max(1, options.limit)
  let inFlight = 0
  let queue: Waiting<T, R>[] = []

  const start = () => {
    while (inFlight < limit && queue.length > 0) {
      const group = queue.slice(0, options.maxGroup)
      queue = queue.slice(group.length)
      inFlight++
      run(group.map((w) => w.item))
        .then(
          (results) => {
            for (const [i, w] of group.entries()) w.resolve(results[i] as R)
          },
          (e) => {
            for (const w of group) w.reject(e)
          },
        )
        .finally(() => {
          inFlight--
          start()
        })
    }
  }

  return (item) =>
    new Promise<R>((resolve, reject) => {
      queue.push({ item, resolve, reject })
      start()
    })
}
