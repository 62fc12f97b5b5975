/**
 * CSV for Excel: UTF-8 with a BOM (without it Excel in China reads the file
 * as GBK and garbles Chinese), CRLF line ends, every cell as text.
 *
 * @example
 * writeFileSync('roll.csv', csvText(['rank', 'name'], [['1', '张*明']]))
 */
import { stringify } from 'csv-stringify/sync'

export const UTF8_BOM = '\uFEFF'

export function csvText(headers: string[], rows: string[][]): string {
  return UTF8_BOM + stringify([headers, ...rows], { record_delimiter: 'windows' })
}
