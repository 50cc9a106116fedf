// The bindings the worker and the room receive, over the variables adapters/config.ts declares
// (and wrangler.toml); `Cloudflare.Env` is what partyserver and `cloudflare:test` type against.
import type { ConfigVars } from "../adapters/config";
import type { WorkersAiBinding } from "../adapters/llm/embeddings";
import type { Limiters } from "../adapters/rate-limits";
import type { ConversationRoom } from "../durable-objects/conversation-room";
import type { ProjectInbox } from "../durable-objects/project-inbox";
import type { SlackPoster } from "../durable-objects/slack-poster";

/** The Rate Limiting bindings are named in adapters/rate-limits.ts (LIMITERS) and wrangler.toml. */
export interface Env extends ConfigVars, Limiters {
  DB: D1Database;
  ConversationRoom: DurableObjectNamespace<ConversationRoom>;
  ProjectInbox: DurableObjectNamespace<ProjectInbox>;
  /** One per Slack channel: paces, orders and retries what Baton posts there. */
  SlackPoster: DurableObjectNamespace<SlackPoster>;
  ASSETS?: Fetcher;
  /** Cloudflare's email sending (`[[send_email]]`); simulated locally (logged and written to a file). */
  EMAIL?: SendEmail;
  NOTIFICATIONS: Queue<unknown>;
  /** Workers AI, when bound (`[ai] binding = "AI"`): embeddings for hybrid retrieval. Optional; never needed offline. */
  AI?: WorkersAiBinding;
}

type BatonEnv = Env;
declare global {
  namespace Cloudflare {
    interface Env extends BatonEnv {}
  }
}
