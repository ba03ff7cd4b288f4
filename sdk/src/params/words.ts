/** Exactly the words `ocf_is_true` accepts (resource-agents 4.12). */
export const TRUE_WORDS: readonly string[] = ['yes', 'true', '1', 'YES', 'TRUE', 'True', 'ja', 'on', 'ON'];
/** Their negations; any other word is rejected rather than silently read as false. */
export const FALSE_WORDS: readonly string[] = ['no', 'false', '0', 'NO', 'FALSE', 'False', 'nein', 'off', 'OFF'];

/**
 * Reads an OCF boolean word; `undefined` when the word is neither true nor false.
 *
 * @example
 * parseOcfBoolean('ja') // true
 */
export function parseOcfBoolean(word: string): boolean | undefined {
  if (TRUE_WORDS.includes(word)) return true;
  if (FALSE_WORDS.includes(word)) return false;
  return undefined;
}
