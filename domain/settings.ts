// A project's settings: how the bot presents itself, the knowledge it answers from, the handoff
// rules (domain/escalation/escalation-settings.ts) and the desk's templates and SLA targets
// (domain/desk/desk-settings.ts). Validated with zod at every edge; every field has a default that
// works, and unknown fields are refused.
import * as z from "zod";
import { deskSettingsSchema } from "./desk/desk-settings";
import { escalationSettingsSchema } from "./escalation/escalation-settings";
import { DEFAULT_TICKET_WARNING_MINUTES } from "./handoff/ticket";
import { securitySettingsSchema } from "./security-settings";

export const knowledgeEntrySchema = z
  .object({
    id: z.string().min(1).max(64).optional(),
    question: z.string().trim().min(3).max(500),
    /** Other ways visitors ask the same question; searched like the question itself. */
    variants: z.array(z.string().trim().min(3).max(500)).max(30).default([]),
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
    ...securitySettingsSchema.shape,
    ...deskSettingsSchema.shape,
    /** Minutes before a ticket's promise falls due that the team is warned (domain/handoff/ticket.ts). */
    ticketWarningMinutes: z.int().min(5).max(1440).default(DEFAULT_TICKET_WARNING_MINUTES),
  })
  .strict();

/**
 * The most a settings document may weigh, as stored JSON: D1 and the room's storage refuse rows
 * over 2 MB, and the room keeps its own copy beside other state. The schema alone allows more
 * (500 knowledge entries of 4,000 characters), so every write checks this too.
 */
export const MAX_SETTINGS_BYTES = 1_000_000;

const utf8Length = (text: string) => new TextEncoder().encode(text).length;

/** The heaviest top-level field of settings over MAX_SETTINGS_BYTES (the one to trim), or null when they fit. */
export function oversizedSettingsField(settings: Settings): { field: string; bytes: number } | null {
  const bytes = utf8Length(JSON.stringify(settings));
  if (bytes <= MAX_SETTINGS_BYTES) return null;
  let heaviest = { field: "settings", size: 0 };
  for (const [field, value] of Object.entries(settings)) {
    const size = utf8Length(JSON.stringify(value) ?? "");
    if (size > heaviest.size) heaviest = { field, size };
  }
  return { field: heaviest.field, bytes };
}

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
