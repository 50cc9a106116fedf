// Slack's inbound payloads, validated at the edge: Events API callbacks and interactivity
// (button clicks, selects, modal submissions). Anything that does not parse is answered and
// ignored; nothing Slack sends is trusted past its signature and this schema.
import * as z from "zod";

const id = z.string().min(1).max(64);

export const slackEventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("url_verification"), challenge: z.string().max(200) }),
  z.object({
    type: z.literal("event_callback"),
    event_id: id,
    team_id: id.optional(),
    event: z
      .object({
        type: z.string().max(64),
        channel: id.optional(),
        user: id.optional(),
        text: z.string().max(40_000).optional(),
        ts: z.string().max(32).optional(),
        thread_ts: z.string().max(32).optional(),
        subtype: z.string().max(64).optional(),
        bot_id: z.string().max(64).optional(),
      })
      .passthrough(),
  }),
]);
export type SlackEvent = z.output<typeof slackEventSchema>;

const user = z.object({ id, name: z.string().max(200).optional(), username: z.string().max(200).optional() });

const action = z.object({
  action_id: z.string().max(255),
  value: z.string().max(2000).optional(),
  selected_option: z.object({ value: z.string().max(2000) }).optional(),
});

export const slackInteractionSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("block_actions"),
    user,
    team: z.object({ id }).nullish(),
    channel: z.object({ id }).nullish(),
    trigger_id: z.string().max(255).optional(),
    container: z
      .object({ message_ts: z.string().max(32).optional(), thread_ts: z.string().max(32).optional() })
      .passthrough()
      .optional(),
    actions: z.array(action).min(1).max(10),
  }),
  z.object({
    type: z.literal("view_submission"),
    user,
    team: z.object({ id }).nullish(),
    view: z.object({
      callback_id: z.string().max(255),
      private_metadata: z.string().max(3000).default(""),
      state: z.object({ values: z.record(z.string(), z.record(z.string(), z.object({ value: z.string().max(3000).nullish() }).passthrough())) }),
    }),
  }),
]);
export type SlackInteraction = z.output<typeof slackInteractionSchema>;

/** The JSON inside an interactivity request's form body (`payload=…`), or null. */
export function interactionPayload(rawBody: string): unknown {
  const payload = new URLSearchParams(rawBody).get("payload");
  if (!payload) return null;
  try {
    return JSON.parse(payload);
  } catch {
    return null;
  }
}
