/**
 * Concurrent calls share one trip to storage: at most `limit` calls run at
 * once; while all are busy, new items wait, and when a call finishes every
 * waiting item with the head's key (up to `maxGroup`) goes in the next call
 * together. A lone item is never delayed: with a free slot it runs at once.
 *
 * @example
 * const submit = coalesce((group) => writeAll(group), { limit: 4, maxGroup: 1000, key: (w) => w.tenantId })
 * const result = await submit(write)
 */
export interface CoalesceOptions<T> {
  /** Calls in flight at most. */
  limit: number
  /** Items per call at most. */
  maxGroup: number
  /** Only items with the same key go together. */
  key: (item: T) => string
}

interface Waiting<T, R> {
  item: T
  resolve: (r: R) => void
  reject: (e: unknown) => void
}

/** `run` gets a group and answers one result per item, in order; if it throws, every item of the group fails with it. */
export function coalesce<T, R>(run: (group: T[]) => Promise<R[]>, options: CoalesceOptions<T>): (item: T) => Promise<R> {
  const limit = Math.max(1, options.limit)
  let inFlight = 0
  let queue: Waiting<T, R>[] = []

  const start = () => {
    while (inFlight < limit && queue.length > 0) {
      const head = queue[0] as Waiting<T, R>
      const key = options.key(head.item)
      const group: Waiting<T, R>[] = []
      const rest: Waiting<T, R>[] = []
      for (const w of queue) (group.length < options.maxGroup && options.key(w.item) === key ? group : rest).push(w)
      queue = rest
      inFlight++
      run(group.map((w) => w.item))
        .then(
          (results) => group.forEach((w, i) => w.resolve(results[i] as R)),
          (e) => group.forEach((w) => w.reject(e)),
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
