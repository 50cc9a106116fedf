// What a room's transition needs besides its state (domain/room/room-types.ts RoomContext): the
// time, an id generator, the settings, and what only the shell can see (channels, agents online,
// which engine writes replies). The transcript is read only if a rule asks for it.
import { randomToken } from "../adapters/crypto";
import { rulesEngine, type BotEngine } from "../adapters/llm/engine";
import type { RoomContext } from "../domain/room/room-types";
import type { Settings } from "../domain/settings";
import type { StoredMessage } from "../domain/transcript";
import type { Env } from "../worker/env";
import type { RoomStorage } from "./room-storage";

const TRANSCRIPT_CONTEXT = 40;

export interface ShellFacts {
  now: Date;
  settings: Settings;
  env: Env;
  engine: BotEngine;
  agentsOnline: number;
}

export function roomContext(store: RoomStorage, { now, settings, env, engine, agentsOnline }: ShellFacts): RoomContext {
  let transcript: StoredMessage[] | undefined;
  return {
    now,
    settings,
    agentsOnline,
    // The dev outbox counts as a channel outside production.
    hasChannel: env.BATON_ENV !== "production",
    engineWritesReplies: engine !== rulesEngine,
    newId: (prefix) => randomToken(prefix, 12),
    // Read only if the rules ask for it (a packet, a resource pick): most messages never do.
    get transcript() {
      return (transcript ??= store.recentTranscript(TRANSCRIPT_CONTEXT));
    },
  };
}
