// The bindings the worker and the room receive, over the variables adapters/config.ts declares
// (and wrangler.toml); `Cloudflare.Env` is what partyserver and `cloudflare:test` type against.
import type { ConfigVars } from "../adapters/config";
import type { ConversationRoom } from "../durable-objects/conversation-room";
import type { SlackPoster } from "../durable-objects/slack-poster";

export interface Env extends ConfigVars {
  DB: D1Database;
  ConversationRoom: DurableObjectNamespace<ConversationRoom>;
  /** One per Slack channel: paces, orders and retries what Baton posts there. */
  SlackPoster: DurableObjectNamespace<SlackPoster>;
  ASSETS?: Fetcher;
  /** Cloudflare's email sending (`[[send_email]]`); simulated locally (logged and written to a file). */
  EMAIL?: SendEmail;
  NOTIFICATIONS: Queue<unknown>;
}

type BatonEnv = Env;
declare global {
  namespace Cloudflare {
    interface Env extends BatonEnv {}
  }
}
