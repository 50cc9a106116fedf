// The project's settings as one room sees them: read from D1 at most every 30 seconds, kept in
// the room's storage (so a woken room does not wait on D1) and parsed in memory between messages.
import { parseStoredSettings, type Settings } from "../domain/settings";
import type { RoomStorage } from "./room-storage";

const TTL_MS = 30_000;

interface Cached {
  settings: Settings;
  loadedAt: number;
}

export class RoomSettings {
  private cached: Cached | null = null;

  constructor(
    private readonly store: RoomStorage,
    private readonly db: D1Database,
  ) {}

  /** Seeds the cache with the settings the conversation was created with. */
  prime(settings: Settings): void {
    this.cached = { settings, loadedAt: Date.now() };
    this.store.writeMeta("settings", this.cached);
  }

  /** The last known settings without waiting on D1 (possibly stale): for work that must not await. */
  peek(): Settings {
    this.cached ??= this.store.readMeta<Cached>("settings");
    return this.cached?.settings ?? parseStoredSettings(null);
  }

  async get(): Promise<Settings> {
    const cached = this.cached ?? this.store.readMeta<Cached>("settings");
    if (cached && Date.now() - cached.loadedAt < TTL_MS) {
      this.cached = cached;
      return cached.settings;
    }
    const projectId = this.store.loadState()?.projectId ?? "";
    const row = await this.db.prepare("SELECT settings FROM projects WHERE id = ?").bind(projectId).first<{ settings: string }>();
    // A project that vanished keeps its last known settings rather than falling back to defaults.
    this.prime(row ? parseStoredSettings(row.settings) : (cached?.settings ?? parseStoredSettings(null)));
    return this.cached!.settings;
  }
}
