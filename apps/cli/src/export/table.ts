/**
 * A report as a table: columns with a label and a kind (text, a whole number,
 * or an exact decimal amount kept as the API's text), and rows of cells.
 */
export interface Column {
  key: string
  label: string
  kind: 'text' | 'int' | 'amount'
}

export interface Table {
  /** The worksheet's name. */
  name: string
  columns: Column[]
  rows: Record<string, string | number | boolean | null>[]
}

/** A column; the label is Chinese then English, so Excel users and scripts both read it. */
export const col = (key: string, zh: string, kind: Column['kind'] = 'text'): Column => ({ key, label: `${zh} ${key}`, kind })

/** A cell as text, exactly as the API gave it. */
export const cellText = (v: string | number | boolean | null | undefined): string => (v === null || v === undefined ? '' : String(v))
