/** Reading posted forms and API refusals in page handlers. */
import { ApiRefusal, ok } from '../api.js'

/** A form field as text ('' when absent or a file), trimmed of surrounding spaces. */
export function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : ''
}

/** The refusal an answer that is not ok carries. */
export async function refusalOf(res: { ok: boolean; status: number; json(): Promise<unknown> }): Promise<ApiRefusal> {
  try {
    await ok(res)
  } catch (e) {
    if (e instanceof ApiRefusal) return e
    throw e
  }
  throw new Error('refusalOf: the answer was a success')
}
