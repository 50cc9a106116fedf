// The RoomContext a transition gets from the shell: the clock, an id generator, the settings, what
// only the shell can see (channels reachable, agents connected, the engine), and the recent
// transcript and the agents reachable, both read lazily because most messages never need them (only
// a handoff being opened asks who is reachable). A class, so that its lazy fields are getters on a
// shared prototype rather than accessors defined on every message's object literal.
import { randomToken } from "../adapters/crypto";
import type { RoomContext } from "../domain/room/room-types";
import type { Settings } from "../domain/settings";
import type { StoredMessage } from "../domain/transcript";
import type { RoomStorage } from "./room-storage";

/** How much of the transcript the rules see (a packet, a resource pick). */
const TRANSCRIPT_CONTEXT = 40;

interface Facts {
  now: Date;
  settings: Settings;
  hasChannel: boolean;
  engineWritesReplies: boolean;
  agentsOnline: () => number;
}

class ShellContext implements RoomContext {
  readonly now: Date;
  readonly settings: Settings;
  readonly hasChannel: boolean;
  readonly engineWritesReplies: boolean;
  private readonly countAgents: () => number;
  private recent: StoredMessage[] | undefined;
  private online: number | undefined;

  constructor(
    private readonly store: RoomStorage,
    facts: Facts,
  ) {
    this.now = facts.now;
    this.settings = facts.settings;
    this.hasChannel = facts.hasChannel;
    this.engineWritesReplies = facts.engineWritesReplies;
    this.countAgents = facts.agentsOnline;
  }

  newId(prefix: string): string {
    return randomToken(prefix, 12);
  }

  get transcript(): readonly StoredMessage[] {
    return (this.recent ??= this.store.recentTranscript(TRANSCRIPT_CONTEXT));
  }

  get agentsOnline(): number {
    return (this.online ??= this.countAgents());
  }
}

export function roomContext(store: RoomStorage, facts: Facts): RoomContext {
  return new ShellContext(store, facts);
}
