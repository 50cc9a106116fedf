// The room's one alarm, pointed at the earliest row of its timers table (handoff timers and the
// sync outbox's retry). Setting an alarm is a storage write, so it is skipped when it would not move.
import type { RoomStorage } from "./room-storage";

export class RoomAlarm {
  /** What this instance last set the alarm to (undefined after a wake or a ring: set it once). */
  private armedFor: number | null | undefined;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly store: RoomStorage,
  ) {}

  /** Points the alarm at the earliest timer row, or clears it when there is none. */
  async arm(): Promise<void> {
    const next = this.store.nextTimer();
    if (next === this.armedFor) return;
    if (next === null) await this.storage.deleteAlarm();
    else await this.storage.setAlarm(next);
    this.armedFor = next;
  }

  /** The alarm that rang is spent. */
  rang(): void {
    this.armedFor = undefined;
  }
}
