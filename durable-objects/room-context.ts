// The RoomContext a transition gets from the shell: the clock, an id generator, the settings, what
// only the shell can see (channels reachable, agents connected, the engine), and the recent
// transcript and the agents reachable, both read lazily because most messages never need them (only
// a handoff being opened asks who is reachable).
import { randomToken } from "../adapters/crypto";
import type { RoomContext } from "../domain/room/room-types";
import type { StoredMessage } from "../domain/transcript";
import type { RoomStorage } from "./room-storage";

/** How much of the transcript the rules see (a packet, a resource pick). */
const TRANSCRIPT_CONTEXT = 40;

type Facts = Omit<RoomContext, "newId" | "transcript" | "agentsOnline"> & { agentsOnline: () => number };

export function roomContext(store: RoomStorage, { agentsOnline, ...facts }: Facts): RoomContext {
  let transcript: StoredMessage[] | undefined;
  let online: number | undefined;
  return {
    ...facts,
    newId: (prefix) => randomToken(prefix, 12),
    get transcript() {
      return (transcript ??= store.recentTranscript(TRANSCRIPT_CONTEXT));
    },
    get agentsOnline() {
      return (online ??= agentsOnline());
    },
  };
}
