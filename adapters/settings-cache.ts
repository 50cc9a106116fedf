// A project's settings as D1 stores them (one JSON text), parsed once per isolate and version: every
// new conversation and every room's refresh reads the same row, and parsing it (the zod schema, the
// time zones) costs more than the query. The version is a hash of the text, so an edited row is a
// new entry. The rooms share the same objects (a project's thousand open conversations hold one
// settings object and one knowledge index between them). Parsed settings are shared: callers must
// not mutate them.
import { parseStoredSettings, type Settings } from "../domain/settings";

/** FNV-1a over the UTF-16 code units: cheap, and enough to tell two versions of one row apart. */
export function versionOf(raw: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < raw.length; i++) hash = Math.imul(hash ^ raw.charCodeAt(i), 0x01000193);
  return `${raw.length}:${(hash >>> 0).toString(16)}`;
}

/** Parsed settings by version, shared by every caller in this isolate (bounded; a dropped one is parsed again). */
const byVersion = new Map<string, Settings>();
const MAX = 100;

/** The parsed settings of `version`, if a caller of this isolate has them. */
export function sharedSettings(version: string): Settings | undefined {
  return byVersion.get(version);
}

/** The one parsed object for `version`: the known one, or `settings`, which becomes it. */
export function shareSettings(version: string, settings: Settings): Settings {
  const known = byVersion.get(version);
  if (known) return known;
  if (byVersion.size >= MAX) byVersion.delete(byVersion.keys().next().value as string);
  byVersion.set(version, settings);
  return settings;
}

/** The settings of a stored row and their version, parsed on the first read of that version. */
export function storedSettings(raw: string): { settings: Settings; version: string } {
  const version = versionOf(raw);
  return { settings: byVersion.get(version) ?? shareSettings(version, parseStoredSettings(raw)), version };
}
