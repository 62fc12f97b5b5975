/**
 * A progress bar on stderr while a person watches (a TTY); nothing otherwise,
 * so logs and pipes stay clean.
 *
 * @example
 * const bar = progress(io.err, rows.length, 'importing'); bar.tick(); bar.stop()
 */
import cliProgress from 'cli-progress'
import type { Sink } from './io.js'

export interface Progress {
  tick(): void
  stop(): void
}

export function progress(sink: Sink, total: number, label: string): Progress {
  if (!sink.isTTY || total === 0) return { tick() {}, stop() {} }
  const bar = new cliProgress.SingleBar(
    { stream: sink as NodeJS.WritableStream, format: `${label} [{bar}] {value}/{total} {percentage}% eta {eta}s`, hideCursor: true },
    cliProgress.Presets.shades_classic,
  )
  bar.start(total, 0)
  return { tick: () => bar.increment(), stop: () => bar.stop() }
}
