// How a room opens. `POST /v1/conversations` writes only the conversation's D1 row, so creating a
// conversation creates no object: the room opens from that row (one D1 round trip: the row with its
// project's settings joined, and the project's channels) the first time anything reaches it, usually its
// first socket, and commits its state before that socket's welcome. A conversation D1 does not know
// (never created, erased, purged) opens nothing, and neither does one erased while its D1 row was
// still there (the row goes right after the room forgets, and neither the erase's own socket
// closes nor a socket reconnecting to a new instance in between may reopen it from that row).
import { humanChannelIn } from "../adapters/channels";
import { conversationToOpen } from "../adapters/db";
import { storedSettings } from "../adapters/settings-cache";
import type { RoomState } from "../domain/room/room-types";
import { createRoom } from "../domain/room/transition";
import { parseStoredSettings } from "../domain/settings";
import type { Env } from "../worker/env";
import type { RoomSettings } from "./room-settings";
import type { RoomStorage } from "./room-storage";

export class RoomOpening {
  private opening: Promise<RoomState | null> | null = null;
  private erased = false;

  constructor(private readonly room: { store: RoomStorage; settings: () => RoomSettings; env: Env; conversationId: () => string }) {}

  /** The room's state, opening it from D1 if it never was; concurrent first arrivals share one opening. */
  async open(): Promise<RoomState | null> {
    const state = this.room.store.loadState();
    if (state || this.erased) return state;
    if (this.room.store.wasErased()) {
      this.erased = true;
      return null;
    }
    this.opening ??= this.fromD1().finally(() => {
      this.opening = null;
    });
    return this.opening;
  }

  /** This instance erases the room: nothing reopens it. */
  erasing(): void {
    this.erased = true;
  }

  private async fromD1(): Promise<RoomState | null> {
    const { store, env } = this.room;
    const found = await conversationToOpen(env.DB, this.room.conversationId());
    if (!found) return null;
    // Known before the first message is decided, so no visitor message waits on D1 for it.
    const humanChannel = await humanChannelIn(env, found.channels);
    const opened = store.loadState();
    if (opened || this.erased) return opened; // opened or erased meanwhile
    const stored = found.settings === null ? null : storedSettings(found.settings);
    const facts = { humanChannel, ...(stored ? { version: stored.version } : {}), ...(found.settingsRev !== null ? { rev: found.settingsRev } : {}) };
    this.room.settings().prime(stored?.settings ?? parseStoredSettings(null), facts);
    const created = createRoom(found.room, new Date(found.createdAt));
    store.commit(created, []);
    return created;
  }
}
