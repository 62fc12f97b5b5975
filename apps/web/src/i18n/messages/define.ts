/** One area's messages: the English table must name every key of the Chinese one. */
export function messages<K extends string>(zh: Record<K, string>, en: NoInfer<Record<K, string>>) {
  return { zh, en }
}
