// The chips above the agent's composer once the handoff is claimed: the packet's first reply, the
// best-fitting templates, and the one question or link the situation calls for. A click fills the
// composer; nothing is ever sent on its own. Pure.
import type { ContextPacket } from "../../protocol/jobs";
import { suggestReplies, templateValues, type ReplyTemplate } from "./reply-templates";

export interface SuggestedStep {
  id: string;
  label: string;
  text: string;
}

export const ASK_EMAIL_TEXT = "In case we get disconnected, what's the best email to reach you?";

/** At most four steps, most useful first, without duplicates. */
export function suggestedSteps(input: {
  packet: Pick<ContextPacket, "suggestedReply" | "visitor" | "calendlyUrl" | "mode">;
  templates: readonly ReplyTemplate[];
  visitorTexts: readonly string[];
  agentName: string;
}): SuggestedStep[] {
  const { packet } = input;
  const steps: SuggestedStep[] = [];
  if (packet.suggestedReply.trim()) steps.push({ id: "first-reply", label: "Suggested first reply", text: packet.suggestedReply.trim() });
  const values = templateValues(packet.visitor, input.agentName);
  for (const s of suggestReplies(input.templates, input.visitorTexts, values, 2)) steps.push({ id: `template:${s.templateId}`, label: s.label, text: s.text });
  if (!packet.visitor.email) steps.push({ id: "ask-email", label: "Ask for their email", text: ASK_EMAIL_TEXT });
  if (packet.calendlyUrl)
    steps.push({ id: "offer-call", label: "Offer a call", text: `If it's easier, you can pick a time for a call here: ${packet.calendlyUrl}` });
  const seen = new Set<string>();
  return steps.filter((s) => !seen.has(s.text) && seen.add(s.text)).slice(0, 4);
}
