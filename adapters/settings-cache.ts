// A project's settings as D1 stores them (one JSON text), parsed once per isolate and version: every
// new conversation and every room's refresh reads the same row, and parsing it (the zod schema, the
// time zones) costs more than the query. The version is a hash of the text, so an edited row is a
// new entry. Parsed settings are shared: callers must not mutate them.
import { parseStoredSettings, type Settings } from "../domain/settings";

/** FNV-1a over the UTF-16 code units: cheap, and enough to tell two versions of one row apart. */
export function versionOf(raw: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < raw.length; i++) hash = Math.imul(hash ^ raw.charCodeAt(i), 0x01000193);
  return `${raw.length}:${(hash >>> 0).toString(16)}`;
}

const parsed = new Map<string, { settings: Settings; version: string }>();
const MAX = 50;

/** The settings of a stored row and their version, parsed on the first read of that text. */
export function storedSettings(raw: string): { settings: Settings; version: string } {
  const known = parsed.get(raw);
  if (known) return known;
  const entry = { settings: parseStoredSettings(raw), version: versionOf(raw) };
  if (parsed.size >= MAX) parsed.delete(parsed.keys().next().value as string);
  parsed.set(raw, entry);
  return entry;
}
