// The bindings the worker and the room receive, over the variables adapters/config.ts declares
// (and wrangler.toml); `Cloudflare.Env` is what partyserver and `cloudflare:test` type against.
import type { ConfigVars } from "../adapters/config";
import type { ConversationRoom } from "../durable-objects/conversation-room";
import type { ProjectInbox } from "../durable-objects/project-inbox";

export interface Env extends ConfigVars {
  DB: D1Database;
  ConversationRoom: DurableObjectNamespace<ConversationRoom>;
  ProjectInbox: DurableObjectNamespace<ProjectInbox>;
  ASSETS?: Fetcher;
  NOTIFICATIONS: Queue<unknown>;
}

type BatonEnv = Env;
declare global {
  namespace Cloudflare {
    interface Env extends BatonEnv {}
  }
}
