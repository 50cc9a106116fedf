// The desk part of a project's settings: the reply templates agents pick from and the SLA target
// per priority the queue is sorted by. Schemas and defaults only; reply-templates.ts and sla.ts
// hold the rules (and stay free of zod, for the browser).
import * as z from "zod";
import { DEFAULT_REPLY_TEMPLATES, unknownPlaceholders } from "./reply-templates";
import { DEFAULT_SLA_MINUTES } from "./sla";

const templateSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, "expected a lowercase id such as refund_offer"),
  label: z.string().trim().min(1).max(60),
  text: z
    .string()
    .trim()
    .min(1)
    .max(2000)
    .refine((t) => unknownPlaceholders(t).length === 0, { message: "unknown placeholder: use {{name}}, {{firstName}}, {{company}}, {{email}} or {{agent}}" }),
  keywords: z
    .array(z.string().trim().min(2).max(60))
    .max(50)
    .default(() => []),
});

const minutes = (fallback: number) =>
  z
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(fallback);

export const deskSettingsSchema = z.strictObject({
  /** What agents are offered as replies in the room, chosen by what the visitor wrote. */
  replyTemplates: z
    .array(templateSchema)
    .max(100)
    .refine((list) => new Set(list.map((t) => t.id)).size === list.length, { message: "template ids must be unique" })
    .prefault(() => DEFAULT_REPLY_TEMPLATES.map((t) => ({ ...t, keywords: [...t.keywords] }))),
  /** Minutes to a first human reply per priority; past it a card is breached (P2), two hours later P1. */
  slaMinutes: z
    .strictObject({
      urgent: minutes(DEFAULT_SLA_MINUTES.urgent),
      high: minutes(DEFAULT_SLA_MINUTES.high),
      normal: minutes(DEFAULT_SLA_MINUTES.normal),
      low: minutes(DEFAULT_SLA_MINUTES.low),
    })
    .prefault({}),
});

export type DeskSettings = z.output<typeof deskSettingsSchema>;
