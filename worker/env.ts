// The bindings and variables the worker and the room receive. Declared once here (and in
// wrangler.toml); `Cloudflare.Env` is what partyserver and `cloudflare:test` type against.
import type { ConversationRoom } from "../durable-objects/conversation-room";

export interface Env {
  DB: D1Database;
  ConversationRoom: DurableObjectNamespace<ConversationRoom>;
  ASSETS?: Fetcher;
  NOTIFICATIONS: Queue<unknown>;
  /** "development" (npm start), "test" (vitest) or "production" (anything deployed). */
  BATON_ENV?: string;
  /** Bearer token for POST /v1/projects. Required outside development. */
  ADMIN_TOKEN?: string;
  /** HMAC key for visitor and agent socket tokens. Required outside development. */
  TOKEN_SECRET?: string;
  /** Per-socket rate limit: burst size and refill per second (defaults in domain/rate-limit.ts). */
  RATE_LIMIT_BURST?: string;
  RATE_LIMIT_PER_SECOND?: string;
  /** With a key, the bot's words come from an OpenAI-compatible API; without, from the rules engine. */
  OPENAI_API_KEY?: string;
  OPENAI_BASE_URL?: string;
  OPENAI_MODEL?: string;
  /** Milliseconds an LLM call may take before the rules engine answers instead (default 5000). */
  LLM_TIMEOUT_MS?: string;
}

type BatonEnv = Env;
declare global {
  namespace Cloudflare {
    interface Env extends BatonEnv {}
  }
}
