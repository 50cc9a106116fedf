// A bounded memo for the text analysis of one message: every detector of a turn reads the same few
// texts (the message, and the recent questions it is compared with), so each is normalised, split
// and stemmed once, not once per detector and per comparison. Pure: the same text always gives the
// same result, and a full memo just starts over. Results are shared, so callers must not mutate them.

/** `fn` with its last `max` results remembered by their text argument. */
export function memoizeText<T>(fn: (text: string) => T, max = 256): (text: string) => T {
  const memo = new Map<string, T>();
  return (text) => {
    const hit = memo.get(text);
    if (hit !== undefined || memo.has(text)) return hit as T;
    const result = fn(text);
    if (memo.size >= max) memo.clear();
    memo.set(text, result);
    return result;
  };
}
