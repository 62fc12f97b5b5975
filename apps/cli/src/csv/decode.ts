/**
 * The text of a CSV file as Excel saves it: UTF-8 with a BOM ("CSV UTF-8"),
 * UTF-8 without, or GBK (plain "CSV" on a Chinese Windows). Detection: a BOM
 * says UTF-8; bytes that are valid UTF-8 are taken as UTF-8 (GBK text of
 * Chinese characters is almost never valid UTF-8); anything else is GBK,
 * decoded as GB18030, its superset. `--encoding` overrides the guess.
 *
 * @example
 * const { text, encoding } = decodeCsv(readFileSync('members.csv'))
 */
import iconv from 'iconv-lite'

export type Encoding = 'utf-8' | 'gbk'

const BOM = [0xef, 0xbb, 0xbf]

/** `--encoding` values taken, folded to the two we read. */
export function encodingNamed(name: string): Encoding | undefined {
  const n = name.toLowerCase().replace(/[^a-z0-9]/g, '')
  if (n === 'utf8') return 'utf-8'
  if (n === 'gbk' || n === 'gb2312' || n === 'gb18030' || n === 'cp936') return 'gbk'
  return undefined
}

/** The encoding a file's bytes are in, by the rule above. */
export function detectEncoding(bytes: Uint8Array): Encoding {
  if (BOM.every((b, i) => bytes[i] === b)) return 'utf-8'
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes)
    return 'utf-8'
  } catch {
    return 'gbk'
  }
}

/** The file's text (without a BOM) and the encoding it was read in. */
export function decodeCsv(bytes: Uint8Array, encoding: Encoding = detectEncoding(bytes)): { text: string; encoding: Encoding } {
  if (encoding === 'gbk') return { text: iconv.decode(Buffer.from(bytes), 'gb18030'), encoding }
  const start = BOM.every((b, i) => bytes[i] === b) ? 3 : 0
  return { text: new TextDecoder('utf-8').decode(bytes.subarray(start)), encoding }
}
