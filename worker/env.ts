// The bindings the worker and the room receive, over the variables adapters/config.ts declares
// (and wrangler.toml); `Cloudflare.Env` is what partyserver and `cloudflare:test` type against.
import type { ConfigVars } from "../adapters/config";
import type { Limiters } from "../adapters/rate-limits";
import type { ConversationRoom } from "../durable-objects/conversation-room";

/** The Rate Limiting bindings are named in adapters/rate-limits.ts (LIMITERS) and wrangler.toml. */
export interface Env extends ConfigVars, Limiters {
  DB: D1Database;
  ConversationRoom: DurableObjectNamespace<ConversationRoom>;
  ASSETS?: Fetcher;
  NOTIFICATIONS: Queue<unknown>;
}

type BatonEnv = Env;
declare global {
  namespace Cloudflare {
    interface Env extends BatonEnv {}
  }
}
