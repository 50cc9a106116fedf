// What retention does to one room: transcript rows older than the project's cutoff go; a room
// with nothing recent left and no open handoff is erased whole (state, visitor data, timers).
// The daily sweep (worker/retention.ts) calls it through the room's `purgeBefore` RPC.
import { isTerminal } from "../domain/handoff/machine";
import type { RoomStorage } from "./room-storage";

export interface PurgeOutcome {
  /** The whole room is gone (the worker then deletes its D1 rows too). */
  erased: boolean;
  /** The newest message left, when the room stays: the sweep looks at it again once that ages out. */
  newestAt: string | null;
}

export async function purgeRoom(store: RoomStorage, cutoff: string, erase: () => Promise<void>): Promise<PurgeOutcome> {
  const state = store.loadState();
  if (!state) return { erased: true, newestAt: null };
  const left = store.purgeMessagesBefore(cutoff);
  const handoffOpen = state.handoff !== null && !isTerminal(state.handoff);
  if (left.remaining > 0 || handoffOpen) return { erased: false, newestAt: left.newestAt ?? state.createdAt };
  await erase();
  return { erased: true, newestAt: null };
}
