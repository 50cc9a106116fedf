// The project's settings as one room sees them, and whether a person can be reached through a
// channel: checked against D1 every 30-60 seconds, beside the message that finds the copy stale
// rather than before it, kept in the room's storage (so a woken room does not wait on D1) and parsed
// in memory between messages, with the knowledge base's search index built once per settings
// version, never per message. A check reads the project's `settings_rev` (moved by every write of
// its settings) and its channels; the settings text, the whole knowledge base, only when the
// number moved. Two rows: the settings text, written only
// when its version changes, and a small one with the version and its freshness, written on every
// refresh; a woken room reads the small one and takes the settings of that version from the
// isolate's other rooms (settings-cache.ts), parsing the text only if none has them.
import { channelRowsOf, humanChannelIn, type ChannelRow } from "../adapters/channels";
import { knowledgeIndexFor } from "../domain/bot/knowledge-index";
import { parseStoredSettings, type Settings } from "../domain/settings";
import { sharedSettings, shareSettings, storedSettings, versionOf } from "../adapters/settings-cache";
import type { Env } from "../worker/env";
import type { RoomStorage } from "./room-storage";

/** Re-read from D1 every 30–60 s: spread per room, so rooms created together do not all ask at once. */
const TTL_MS = 30_000;
const ttl = () => TTL_MS * (1 + Math.random());
/** Up to this age a stale copy still serves an event while it is refreshed; older (a room woken after a long idle), the event waits for D1. */
const STALE_MAX_MS = 5 * 60_000;

interface Cached {
  settings: Settings;
  loadedAt: number;
  /** A hash of the settings row as D1 stored it: an unchanged row keeps the parsed settings and their index. */
  version?: string;
  /** The row's `settings_rev` when it was read: while D1's is the same, the text is not read again. */
  rev?: number;
  /** A human-facing channel (Slack, or the dev outbox locally) is configured and healthy. */
  humanChannel?: boolean;
}

/** The small row: which settings, and how fresh (written on every refresh). */
type Freshness = Omit<Cached, "settings">;

const FRESHNESS = "settings";
const TEXT = "settings-text";

/** The cached entry read back from the room's storage (after a wake), its settings shared by version. */
function fromStorage(store: RoomStorage): Cached | null {
  const fresh = store.readMeta<Freshness & { settings?: Settings }>(FRESHNESS);
  if (!fresh) return null;
  const { settings: inline, ...facts } = fresh; // a row written before the split carried the settings inline
  const known = facts.version ? sharedSettings(facts.version) : undefined;
  const settings = known ?? inline ?? store.readMeta<Settings>(TEXT);
  if (!settings) return null;
  return { ...facts, settings: facts.version ? shareSettings(facts.version, settings) : settings };
}

export class RoomSettings {
  private cached: Cached | null = null;
  private readonly ttl = ttl();

  constructor(
    private readonly store: RoomStorage,
    private readonly env: Env,
  ) {}

  /** Seeds the cache with settings just read (the room opening, a refresh); without a version (a vanished project's defaults) one is computed. */
  prime(given: Settings, facts: { version?: string; rev?: number; humanChannel?: boolean } = {}): void {
    const version = facts.version ?? versionOf(JSON.stringify(given));
    const settings = shareSettings(version, given);
    this.cached = {
      settings,
      loadedAt: Date.now(),
      version,
      ...(facts.rev !== undefined ? { rev: facts.rev } : {}),
      ...(facts.humanChannel !== undefined ? { humanChannel: facts.humanChannel } : {}),
    };
    this.store.writeMeta(TEXT, settings);
    this.writeFreshness();
    knowledgeIndexFor(settings.knowledgeBase); // built now, so no visitor message waits for it
  }

  /** The last known settings without waiting on D1 (possibly stale): for work that must not await. */
  peek(): Settings {
    this.cached ??= fromStorage(this.store);
    return this.cached?.settings ?? parseStoredSettings(null);
  }

  /** Whether a channel reaches a person, as of the last `get()` (false until one says otherwise). */
  humanChannel(): boolean {
    return this.cached?.humanChannel ?? false;
  }

  /**
   * The settings for this event. A copy older than the TTL but younger than STALE_MAX_MS serves it
   * while one refresh runs beside it for the events after (a message never waits on D1 for
   * settings then); an older one, or none, is refreshed first.
   */
  async get(): Promise<Settings> {
    const cached = this.cached ?? fromStorage(this.store);
    if (cached && cached.humanChannel !== undefined) {
      this.cached = cached;
      const age = Date.now() - cached.loadedAt;
      if (age < this.ttl) return cached.settings;
      if (age < STALE_MAX_MS) {
        this.refreshBeside();
        return cached.settings;
      }
    }
    return this.refresh(cached);
  }

  private refreshing: Promise<unknown> | null = null;

  private refreshBeside(): void {
    this.refreshing ??= this.refresh(this.cached)
      .catch((error) => console.error("settings refresh failed; the room keeps its copy", error))
      .finally(() => {
        this.refreshing = null;
      });
  }

  private async refresh(cached: Cached | null): Promise<Settings> {
    const projectId = this.store.loadState()?.projectId ?? "";
    // One round trip: the settings' number and the channels (whether a handoff can reach a person).
    const [revRows, channelRows] = await this.env.DB.batch<unknown>([
      this.env.DB.prepare("SELECT settings_rev FROM projects WHERE id = ?").bind(projectId),
      channelRowsOf(this.env.DB, projectId),
    ]);
    const rev = ((revRows?.results[0] ?? null) as { settings_rev: number } | null)?.settings_rev;
    const humanChannel = await humanChannelIn(this.env, (channelRows?.results ?? []) as ChannelRow[]);
    const erased = !this.store.loadState(); // erased while D1 answered: nothing of it is written back
    // Unchanged (or the project vanished, which keeps its last known settings): the same parsed
    // object, so the same index, only the clock moves.
    if (cached && (rev === undefined || rev === cached.rev)) return this.keep(cached, humanChannel, erased);
    // The number moved (or this copy predates it): a second trip for the text.
    const row =
      rev === undefined
        ? null
        : await this.env.DB.prepare("SELECT settings, settings_rev FROM projects WHERE id = ?")
            .bind(projectId)
            .first<{ settings: string; settings_rev: number }>();
    const version = row ? versionOf(row.settings) : cached?.version;
    // Rewritten with the same text: the same parsed object; the new number is remembered.
    if (cached && version !== undefined && version === cached.version)
      return this.keep(row ? { ...cached, rev: row.settings_rev } : cached, humanChannel, erased);
    // (Another room of this isolate may have parsed this version already: storedSettings shares it.)
    const settings = row ? storedSettings(row.settings).settings : (cached?.settings ?? parseStoredSettings(null));
    if (erased) return settings;
    this.prime(settings, { ...(version ? { version } : {}), ...(row ? { rev: row.settings_rev } : {}), humanChannel });
    return this.cached!.settings;
  }

  /** Keeps `cached`'s parsed settings (so their index), with the clock and the channels moved on. */
  private keep(cached: Cached, humanChannel: boolean, erased: boolean): Settings {
    this.cached = { ...cached, loadedAt: Date.now(), humanChannel };
    if (!erased) this.writeFreshness();
    return cached.settings;
  }

  /** The small row only: the settings text is rewritten only with a new version. */
  private writeFreshness(): void {
    if (!this.cached) return;
    const { settings: _text, ...facts } = this.cached;
    this.store.writeMeta(FRESHNESS, facts satisfies Freshness);
  }
}
