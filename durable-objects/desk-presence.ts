// How many agents of the room's project are available at their desks, as one room sees it: asked of
// the project's inbox only when a decision is about to open a handoff and the count is over 10 s
// old, kept in the room's storage (a woken room does not wait) and read without an await by the
// transition's context. An unreachable inbox keeps the last count.
import type { Env } from "../worker/env";
import type { RoomStorage } from "./room-storage";

const TTL_MS = 10_000;

interface Cached {
  available: number;
  at: number;
}

export class DeskPresence {
  /** undefined until read from storage once; null when nothing was ever stored (read once, not on every message). */
  private cached: Cached | null | undefined = undefined;

  constructor(
    private readonly store: RoomStorage,
    private readonly env: Env,
  ) {}

  /** The last known number of available agents (0 before the first answer). */
  available(): number {
    return this.known()?.available ?? 0;
  }

  /** Whether the count is older than the TTL (or unknown): a decision that opens a handoff asks again first. */
  stale(): boolean {
    const known = this.known();
    return !known || Date.now() - known.at >= TTL_MS;
  }

  private known(): Cached | null {
    if (this.cached === undefined) this.cached = this.store.readMeta<Cached>("desk");
    return this.cached;
  }

  /** Asks the inbox again when the count is older than the TTL. Never throws. */
  async refresh(): Promise<void> {
    if (!this.stale()) return;
    const projectId = this.store.loadState()?.projectId;
    if (!projectId) return;
    try {
      const available = await this.env.ProjectInbox.getByName(projectId).availableAgents();
      this.cached = { available, at: Date.now() };
    } catch (error) {
      console.error("desk presence unavailable", error);
      this.cached = { available: this.cached?.available ?? 0, at: Date.now() };
    }
    this.store.writeMeta("desk", this.cached);
  }
}
