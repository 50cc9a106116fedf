// The room's one alarm, pointed at its earliest timer row (handoff timers, the sync retry, owed
// turns' deadlines). It is moved only when it must ring earlier: an alarm that rings early finds
// nothing due and is re-armed, which costs less than rewriting it on every message.
import type { RoomStorage } from "./room-storage";

export class RoomAlarm {
  /** What this instance last set the alarm to (undefined after a wake or a ring: set it once). */
  private armedFor: number | null | undefined;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly store: RoomStorage,
  ) {}

  /** Points the alarm at the earliest timer (skipped when it already rings at or before it). */
  async arm(): Promise<void> {
    const next = this.store.nextTimer();
    if (next === this.armedFor) return;
    if (typeof this.armedFor === "number" && this.armedFor > Date.now() && (next === null || next > this.armedFor)) return;
    if (next === null) await this.storage.deleteAlarm();
    else await this.storage.setAlarm(next);
    this.armedFor = next;
  }

  /** The alarm rang (or was deleted): what was set is spent. */
  forget(): void {
    this.armedFor = undefined;
  }
}
