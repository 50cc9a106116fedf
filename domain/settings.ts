// A project's settings: how the bot presents itself, the knowledge it answers from, and the
// handoff rules (domain/escalation/escalation-settings.ts). Validated with zod at every edge; every field has
// a default that works, and unknown fields are refused.
import * as z from "zod";
import { escalationSettingsSchema } from "./escalation/escalation-settings";
import { DEFAULT_TICKET_WARNING_MINUTES } from "./handoff/ticket";

export const knowledgeEntrySchema = z
  .object({
    id: z.string().min(1).max(64).optional(),
    question: z.string().trim().min(3).max(500),
    answer: z.string().trim().min(1).max(4000),
    /** Words or short phrases that strongly point at this entry (matched after normalising). */
    keywords: z.array(z.string().trim().min(2).max(60)).max(30).default([]),
  })
  .strict();

export const settingsSchema = z
  .object({
    botName: z.string().trim().min(1).max(60).default("Baton"),
    greeting: z.string().trim().min(1).max(500).default("Hi! Ask me anything — and if you'd rather talk to a person, just say so."),
    knowledgeBase: z.array(knowledgeEntrySchema).max(500).default([]),
    ...escalationSettingsSchema.shape,
    /** Minutes before a ticket's promise falls due that the team is warned (domain/handoff/ticket.ts). */
    ticketWarningMinutes: z.int().min(5).max(1440).default(DEFAULT_TICKET_WARNING_MINUTES),
  })
  .strict();

export type KnowledgeEntry = z.output<typeof knowledgeEntrySchema>;
export type Settings = z.output<typeof settingsSchema>;
export type SettingsInput = z.input<typeof settingsSchema>;

/** Settings stored before a field existed still parse: missing fields take their defaults. */
export function parseStoredSettings(json: string | null | undefined): Settings {
  let value: unknown = {};
  try {
    value = json ? JSON.parse(json) : {};
  } catch {
    value = {};
  }
  const parsed = settingsSchema.safeParse(value);
  return parsed.success ? parsed.data : settingsSchema.parse({});
}
