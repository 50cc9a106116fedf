// The room's one alarm, pointed at the earliest row of its timers table (handoff timers, the sync
// outbox's retry) or an owed turn's deadline. Setting an alarm is a storage write, so it is skipped
// when it would not move, and when it would only move later: an alarm that rings early finds
// nothing due and is re-armed, which costs less than rewriting it on every message. For the same
// reason a woken room with no timer rows leaves whatever alarm its last instance set: deleting one
// that is most likely not there would be a write (and a wait on it) on every wake.
import type { RoomStorage } from "./room-storage";

export class RoomAlarm {
  /** What this instance last set the alarm to (undefined after a wake or a ring: set it once). */
  private armedFor: number | null | undefined;
  /** The store's timer version when the alarm was last aimed: unchanged rows, unchanged alarm, no read. */
  private aimedAt = -1;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly store: RoomStorage,
  ) {}

  /** Points the alarm at the earliest timer row, or clears it when there is none. */
  async arm(): Promise<void> {
    const version = this.store.timerVersion;
    if (this.armedFor !== undefined && this.aimedAt === version) return;
    const next = this.store.nextTimer();
    if (next === null && this.armedFor === undefined) {
      this.armedFor = null; // a stale alarm rings once, finds nothing due, and is spent
      this.aimedAt = version;
      return;
    }
    if (next !== this.armedFor && !(typeof this.armedFor === "number" && this.armedFor > Date.now() && (next === null || next > this.armedFor))) {
      if (next === null) await this.storage.deleteAlarm();
      else await this.storage.setAlarm(next);
      this.armedFor = next;
    }
    this.aimedAt = version;
  }

  /** The alarm that rang is spent. */
  rang(): void {
    this.armedFor = undefined;
    this.aimedAt = -1;
  }
}
