/**
 * What a command touches outside itself: the environment, where it writes,
 * and the fetch it talks to the API with, so tests run it in process.
 *
 * @example
 * await main(['verify-journal'], { env: process.env, out: process.stdout, err: process.stderr })
 */

/** Something text is written to; `isTTY` says whether a person watches it (a progress bar then). */
export interface Sink {
  write(text: string): unknown
  isTTY?: boolean
}

export interface Io {
  env: Record<string, string | undefined>
  out: Sink
  err: Sink
  /** A fetch to use instead of the global one (tests pass the app's own). */
  fetch?: typeof fetch
}
