// Finds the http(s) URLs in bot and agent text so the view can render them as links. Pure: it
// returns text parts and leaves the DOM to ui.ts. Only a URL that parses with an http: or https:
// scheme ever becomes an href; everything else, markup included, stays plain text.

/**
 * A run of message text as written. A link also has the href to open (the parsed URL, nothing
 * else) and a short label to show: host and path, so a long query (a prefilled booking link)
 * does not fill the bubble while the visitor still sees where it goes.
 */
export type TextPart = { text: string; href?: undefined } | { text: string; href: string; label: string };

const CANDIDATE = /\bhttps?:\/\/[^\s<>"'`]+/gi;
/** Punctuation that ends a sentence rather than a URL ("see https://x.com/a." or "(https://x.com)"). */
const TRAILING = /[.,;:!?…'"”’»]$/;
const CLOSERS: Record<string, string> = { ")": "(", "]": "[", "}": "{" };
const MAX_LABEL_PATH = 40;

/** Splits text into plain runs and http(s) links, in order; joining every `text` gives the input back. */
export function splitLinks(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(CANDIDATE)) {
    const url = trimUrl(match[0]);
    const parsed = parseHttpUrl(url);
    if (!parsed) continue;
    if (match.index > last) parts.push({ text: text.slice(last, match.index) });
    parts.push({ text: url, href: parsed.href, label: labelOf(parsed) });
    last = match.index + url.length;
  }
  if (last < text.length || parts.length === 0) parts.push({ text: text.slice(last) });
  return parts;
}

/** Drops sentence punctuation and unbalanced closing brackets from the end of a matched URL. */
function trimUrl(url: string): string {
  for (;;) {
    const end = url.slice(-1);
    const opener = CLOSERS[end];
    if (TRAILING.test(end) || (opener !== undefined && count(url, end) > count(url, opener))) url = url.slice(0, -1);
    else return url;
  }
}

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}

/** The URL when it is a well-formed http(s) URL with a host; null otherwise. */
function parseHttpUrl(url: string): URL | null {
  try {
    const parsed = new URL(url);
    return (parsed.protocol === "http:" || parsed.protocol === "https:") && parsed.hostname ? parsed : null;
  } catch {
    return null;
  }
}

/** "calendly.com/northwind-labs/intro-call…": the host always, the path up to a length, "…" when anything is left out. */
function labelOf(url: URL): string {
  const path = url.pathname === "/" ? "" : url.pathname;
  const shown = path.slice(0, MAX_LABEL_PATH);
  return url.host + shown + (shown.length < path.length || url.search || url.hash ? "…" : "");
}
