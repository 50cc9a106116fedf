// The visitor's answer to the one satisfaction question after a resolve: a 1–5 rating typed as
// "5", "4/5 thanks", "five stars", "3 out of 5" or ★★★★, or sent by the widget's rating buttons.
// Anything that is not plainly a rating ("I need 3 more licences") is not one. Pure.

const WORDS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5 };
const COURTESY =
  /^[,.!\s-]*(?:(?:thanks?(?: you)?(?: so much| very much)?|thx|ty|cheers|great|perfect|good|very good|excellent|awesome|nice|ok(?:ay)?|all good|merci)[,.!\s]*)*$/i;
const STARS = /^\s*([★⭐]{1,5})\s*$/u;
/** The rating itself, then what may follow it: "/5", "out of 5", "stars". */
const RATING =
  /^\s*(?:rating\s*:?\s*|i(?:'d| would)? (?:give|rate)(?: (?:it|you|this))?\s+(?:an?\s+)?)?([1-5]|one|two|three|four|five)\s*(\/\s*5|out of (?:5|five))?\s*(stars?|★|⭐)?(.*)$/iu;

/** The rating in `text`, or null when it is not one. */
export function parseRating(text: string): number | null {
  const t = text.trim();
  if (t === "" || t.length > 80) return null;
  const stars = STARS.exec(t);
  if (stars) return [...stars[1]!].length;
  const match = RATING.exec(t);
  if (!match) return null;
  const [, value, scale, starWord, rest = ""] = match;
  const score = WORDS[value!.toLowerCase()] ?? Number(value);
  // Trailing words are fine after an unmistakable rating ("4/5", "5 stars"); after a bare number only courtesy is.
  const marked = Boolean(scale || starWord);
  if (COURTESY.test(rest)) return score;
  if (marked && !/^[\p{L}\p{N}]/u.test(rest) && rest.trim().length <= 60) return score;
  return null;
}
