// How many agents of the room's project are available at their desks, as one room sees it: asked of
// the project's inbox at most every 10 seconds, kept in the room's storage (a woken room does not
// wait) and read without an await by the transition's context. An unreachable inbox keeps the last count.
import type { Env } from "../worker/env";
import type { RoomStorage } from "./room-storage";

const TTL_MS = 10_000;

interface Cached {
  available: number;
  at: number;
}

export class DeskPresence {
  private cached: Cached | null = null;

  constructor(
    private readonly store: RoomStorage,
    private readonly env: Env,
  ) {}

  /** The last known number of available agents (0 before the first answer). */
  available(): number {
    this.cached ??= this.store.readMeta<Cached>("desk");
    return this.cached?.available ?? 0;
  }

  /** Asks the inbox again when the count is older than the TTL. Never throws. */
  async refresh(): Promise<void> {
    this.cached ??= this.store.readMeta<Cached>("desk");
    if (this.cached && Date.now() - this.cached.at < TTL_MS) return;
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
