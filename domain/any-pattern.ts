// One regular expression for a list of patterns, used as a gate in front of the list: it matches a
// text exactly when one of the patterns does (an alternation matches wherever one of its
// alternatives would), so a text none of them matches, which is most messages for each detector's
// list, is scanned once instead of once per pattern. The list is still run when the gate opens, for
// what matched and in which order. Pure.

/**
 * The alternation of `patterns`. Refused (at module load, where the lists are built) when the
 * patterns' flags differ other than by `g`/`y`, or when one uses a numbered backreference, whose
 * number would point at another group once the sources are joined.
 */
export function anyPattern(patterns: readonly RegExp[]): RegExp {
  const flagsOf = (re: RegExp) => re.flags.replace(/[gy]/g, "");
  const flags = patterns[0] ? flagsOf(patterns[0]) : "";
  for (const re of patterns) {
    if (flagsOf(re) !== flags) throw new Error(`anyPattern: ${re} has flags "${re.flags}", the list's first "${flags}"`);
    if (/\\[1-9]/.test(re.source)) throw new Error(`anyPattern: ${re} has a numbered backreference`);
  }
  return patterns.length ? new RegExp(patterns.map((re) => `(?:${re.source})`).join("|"), flags) : /(?!)/;
}
