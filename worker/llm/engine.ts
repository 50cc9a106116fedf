// The seam between the room and whatever writes the bot's words. The rules engine is the
// default and needs nothing; an LLM engine plugs in here and must fall back to it on failure.
import { replyFromKnowledge, type BotReply } from "../../domain/rules-bot";
import type { Settings } from "../../domain/settings";
import type { StoredMessage } from "../../domain/conversation";

export interface BotTurnInput {
  /** The visitor message to answer. */
  text: string;
  /** The transcript so far (visitor-visible messages only), oldest first. */
  transcript: readonly StoredMessage[];
  settings: Settings;
}

export interface BotEngine {
  readonly name: string;
  reply(input: BotTurnInput): Promise<BotReply>;
}

export const rulesEngine: BotEngine = {
  name: "rules",
  async reply(input) {
    return replyFromKnowledge(input.text, input.settings.knowledgeBase);
  },
};
