// The room's part of the escalation brain: per visitor message, fold the message into the
// qualification, ask the decision, and either let the bot answer, offer a human, or open the
// handoff in this same exchange (row, packet, notification, frame, honest words to the visitor).
import type { NotificationJob, Trigger } from "../../protocol/jobs";
import { decideAvailability } from "../escalation/availability";
import { bookingNotes, buildContextPacket, type BotLogEntry } from "../handoff/context-packet";
import { botReplies, botSays, handoffFrame, packetFrame } from "./room-messages";
import { deskCard, deskEventKind } from "../desk/desk-card";
import type { Effect, RoomContext, RoomState, Transition } from "./room-types";
import { decideEscalation, detectSignals, manualEscalation, type EscalationDecision } from "../escalation/decision";
import type { Resource } from "../escalation/escalation-settings";
import type { Lifecycle } from "../handoff/handoff-types";
import { applyCommand } from "../handoff/machine";
import { isQuestion } from "../escalation/intents";
import { extractVisitorData, leadLevel, mergeVisitorData, updateQualification } from "../escalation/qualification";
import { calendlyLink, emailReceivedReply, handoffReply, INVALID_EMAIL_REPLY, OFFER_HUMAN_REPLY, softResourceReply } from "../bot/replies";
import { replyFromKnowledge, terms } from "../bot/rules-bot";
import { sentimentLabel } from "../escalation/sentiment";
import type { HandoffRecord, HandoffState, TicketRecord } from "../handoff/handoff-types";
import { captureReason, confirmTicket, jobTicket, openTicket } from "../handoff/ticket";
import { type LlmHints, signalsFromHints } from "../bot/llm-hints";

type Message = { seq: number; text: string };

export function handoffRecord(state: RoomState, handoff: Lifecycle): HandoffRecord {
  return {
    id: handoff.id,
    projectId: state.projectId,
    conversationId: state.conversationId,
    status: handoff.status,
    mode: handoff.mode,
    trigger: handoff.trigger,
    route: handoff.route,
    priority: handoff.priority,
    leadLevel: handoff.leadLevel,
    visitorEmail: handoff.packet.visitor.email ?? null,
    packet: handoff.packet,
    claimedBy: handoff.claimedBy ?? null,
    claimedAt: handoff.claimedAt ?? null,
    firstHumanReplyAt: handoff.firstHumanReplyAt ?? null,
    resolvedAt: handoff.resolvedAt ?? null,
    escalationLevel: handoff.escalationLevel ?? null,
    snoozedUntil: handoff.snoozedUntil ?? null,
    satisfaction: handoff.satisfaction ?? null,
    reopenCount: handoff.reopenCount ?? 0,
    abandonedAt: handoff.abandonedAt ?? null,
    convertedAt: handoff.convertedAt ?? null,
    createdAt: handoff.openedAt,
    updatedAt: handoff.updatedAt,
  };
}

/** The ticket row written to D1 (the handoff must have a ticket). */
export function ticketRecord(state: RoomState, handoff: Lifecycle): TicketRecord {
  const { answeredBy, closedBy, ...ticket } = handoff.ticket!;
  return {
    ...ticket,
    projectId: state.projectId,
    conversationId: state.conversationId,
    handoffId: handoff.id,
    email: handoff.packet.visitor.email ?? null,
    packet: handoff.packet,
    answeredBy: answeredBy ?? null,
    closedBy: closedBy ?? null,
  };
}

/** The queue job for a handoff event, carrying the whole packet (and, for lifecycle notices, who and what). */
export function notificationJob(
  kind: NotificationJob["kind"],
  state: RoomState,
  handoff: Lifecycle,
  ctx: Pick<RoomContext, "now" | "newId">,
  notice?: NotificationJob["notice"],
): NotificationJob {
  return {
    id: ctx.newId("job_"),
    kind,
    projectId: state.projectId,
    conversationId: state.conversationId,
    handoffId: handoff.id,
    at: ctx.now.toISOString(),
    status: handoff.status,
    packet: handoff.packet,
    ...(notice ? { notice } : {}),
    ...(handoff.ticket ? { ticket: jobTicket(handoff.ticket) } : {}),
  };
}

/** How long the desk shows a summary as "being written" while a model works on it (its calls are bounded alike). */
export const SUMMARY_WAIT_MS = 5_000;

/** The desk's event for a handoff that changed from `before` (null: it just opened) to `after`. */
export function deskSync(state: RoomState, before: Lifecycle | null, after: Lifecycle, ctx: Pick<RoomContext, "newId">): Effect {
  const event = { id: ctx.newId("dev_"), kind: deskEventKind(before, after), card: deskCard(handoffRecord(state, after), after.summaryPendingUntil) };
  return { type: "sync", op: { kind: "desk", projectId: state.projectId, event } };
}

/**
 * The D1 row, the desk's event, the notification (unless `notify` is false) and the frames for a
 * handoff that opened (`before` null) or whose packet changed.
 */
export function publishHandoff(
  kind: NotificationJob["kind"],
  state: RoomState,
  handoff: Lifecycle,
  ctx: RoomContext,
  before: Lifecycle | null = null,
  notify = true,
): Effect[] {
  return [
    { type: "sync", op: { kind: "upsert-handoff", handoff: handoffRecord(state, handoff) } },
    deskSync(state, before, handoff, ctx),
    ...(notify ? [{ type: "sync", op: { kind: "enqueue", job: notificationJob(kind, state, handoff, ctx) } } satisfies Effect] : []),
    { type: "broadcast", to: "everyone", frame: handoffFrame(handoff) },
    { type: "broadcast", to: "agents", frame: packetFrame(handoff) },
  ];
}

/** The resource whose topics best match the conversation; the first one when none match. */
export function pickResource(resources: readonly Resource[], text: string): Resource | null {
  const words = new Set(terms(text));
  let best: { resource: Resource; hits: number } | null = null;
  for (const resource of resources) {
    const hits = resource.topics.flatMap((t) => terms(t)).filter((t) => words.has(t)).length;
    if (!best || hits > best.hits) best = { resource, hits };
  }
  return best?.resource ?? null;
}

/** A visitor message with no handoff open: the decision, then the bot's part. */
export function decideTurn(state: RoomState, message: Message, hints: LlmHints | null, ctx: RoomContext): Transition {
  const { settings } = ctx;
  const facts = hints
    ? { ...(hints.name ? { name: hints.name } : {}), ...(hints.company ? { company: hints.company } : {}), ...(hints.role ? { role: hints.role } : {}) }
    : {};
  // The rules' own extraction wins; the LLM only fills what they missed.
  const visitor = mergeVisitorData(mergeVisitorData(state.visitor, facts), extractVisitorData(message.text));
  const qualification = updateQualification(state.qualification, message);
  const vector = hints?.knowledge;
  const rules = replyFromKnowledge(message.text, settings.knowledgeBase, vector);
  // Answerability is the rules engine's call, so the failure count is deterministic whatever phrases the reply.
  const botAnswerable = rules.kind === "answer" ? true : rules.kind === "unknown" && isQuestion(message.text) ? false : undefined;
  const decision = decideEscalation({
    settings,
    message,
    qualification: { before: state.qualification, after: qualification },
    memory: state.escalation,
    handoffOpen: false,
    ...(botAnswerable !== undefined ? { botAnswerable } : {}),
    signals: signalsFromHints(message.text, hints),
  });
  const next: RoomState = { ...state, visitor, qualification, escalation: decision.memory };
  if (decision.escalate && decision.trigger) {
    // The bot's failed attempt in this exchange is part of what it tried; an explicit request is not.
    const logged = decision.trigger === "bot_failure" ? { ...next, botLog: [...next.botLog, logEntry(message, rules.kind)].slice(-10) } : next;
    return openHandoff(logged, decision, decision.trigger, message, ctx);
  }
  if (decision.offer === "offer_human") return botSays(next, OFFER_HUMAN_REPLY, ctx);
  const resource = decision.offer === "soft_resource" ? pickResource(settings.resources, ctx.transcript.map((m) => m.text).join(" ")) : null;
  const append = resource ? softResourceReply(resource) : undefined;
  if (!ctx.engineWritesReplies) return botReplies(next, rules, message, append, ctx);
  return {
    state: next,
    effects: [{ type: "bot-turn", seq: message.seq, text: message.text, ...(append ? { append } : {}), ...(vector ? { knowledge: vector } : {}) }],
  };
}

function logEntry(message: Message, outcome: BotLogEntry["outcome"]): BotLogEntry {
  return { seq: message.seq, question: message.text, outcome };
}

/** Opens the handoff in this exchange: live inside hours with a channel, capture otherwise. */
export function openHandoff(state: RoomState, decision: EscalationDecision, trigger: Trigger, message: Message, ctx: RoomContext): Transition {
  const { settings, now } = ctx;
  const availability = decideAvailability({
    hours: settings.businessHours,
    now,
    hasChannel: ctx.hasChannel,
    agentsOnline: ctx.agentsOnline,
    captureOnly: decision.captureOnly,
  });
  const categoryId = decision.reasons.find((r) => r.startsWith("category:"))?.slice("category:".length);
  const packet = buildContextPacket({
    trigger,
    reasons: decision.reasons,
    route: decision.route,
    priority: decision.priority,
    categoryLabel: settings.categories.find((c) => c.id === categoryId)?.label ?? null,
    qualification: state.qualification,
    leadLevel: decision.leadLevel,
    sentiment: { negativity: decision.signals.sentiment.negativity, label: sentimentLabel(decision.signals.sentiment, settings.sentimentThreshold) },
    visitor: state.visitor,
    page: state.page,
    ...(state.userAgent ? { userAgent: state.userAgent } : {}),
    availability,
    transcript: ctx.transcript,
    botLog: state.botLog,
    conversationStartedAt: state.createdAt,
    lastVisitorMessageAt: state.lastVisitorMessageAt ?? now.toISOString(),
    messageCount: state.lastSeq,
    now,
  });
  // Hot leads may book straight away (prefilled, so the call starts with context); warm ones get a human first.
  const calendly =
    decision.leadLevel === "hot" && settings.calendlyUrl
      ? calendlyLink(settings.calendlyUrl, { ...state.visitor, notes: bookingNotes(state.qualification, state.visitor) })
      : null;
  if (calendly) packet.calendlyUrl = calendly;
  // A logged-in visitor travels as the site's user id, flagged verified only when the site proved it.
  if (state.identity) packet.visitor = { ...packet.visitor, userId: state.identity.userId, verified: state.identity.verified };
  const base: HandoffState = {
    id: ctx.newId("h_"),
    status: "pending",
    mode: availability.mode,
    trigger,
    reasons: decision.reasons,
    route: decision.route,
    priority: decision.priority,
    leadLevel: decision.leadLevel,
    openedAt: now.toISOString(),
    updatedAt: now.toISOString(),
    availability,
    packet,
    // A model rewrites the rules' summary right after this exchange: the desk says so meanwhile.
    ...(ctx.engineWritesReplies ? { summaryPendingUntil: new Date(now.getTime() + SUMMARY_WAIT_MS).toISOString() } : {}),
  };
  // A capture is a promise: it becomes a ticket with the commitment's deadline at once.
  const reason = captureReason(availability);
  const ticket = reason ? openTicket(base, reason, availability.commitment, now.toISOString()) : { handoff: base, effects: [] };
  const handoff = ticket.handoff;
  const opened = { ...state, handoff };
  const problem = state.qualification.problemFit.evidence[0]?.quote;
  const resource = availability.mode === "capture" ? pickResource(settings.resources, ctx.transcript.map((m) => m.text).join(" ")) : null;
  const said = botSays(
    opened,
    handoffReply({
      trigger,
      route: decision.route,
      availability,
      summaryBack: problem && problem !== message.text ? `So just to make sure I have this right — you mentioned “${problem}”.` : null,
      email: state.visitor.email ?? null,
      calendlyLink: calendly,
      resource,
    }),
    ctx,
  );
  const summarize: Effect = { type: "summarize", handoffId: handoff.id, reason: decision.reasons.join(", "), rulesSummary: packet.summary };
  return {
    state: said.state,
    effects: [...publishHandoff("handoff.opened", opened, handoff, ctx), ...ticketEffects(opened, handoff, ticket.effects, ctx), ...said.effects, summarize],
  };
}

/** The sync ops and jobs of a ticket's effects when a handoff opens or learns the visitor's email. */
function ticketEffects(state: RoomState, handoff: Lifecycle, effects: ReturnType<typeof confirmTicket>["effects"], ctx: RoomContext): Effect[] {
  return effects.flatMap((effect): Effect[] => {
    if (effect.type === "sync-ticket") return [{ type: "sync", op: { kind: "upsert-ticket", ticket: ticketRecord(state, handoff) } }];
    if (effect.type === "notify") {
      const job = notificationJob(`handoff.${effect.kind}`, state, handoff, ctx, { to: effect.to });
      return [{ type: "sync", op: { kind: "enqueue", job } }];
    }
    return [];
  });
}

/** An agent opens a handoff by hand (POST /v1/handoffs): same packet, same notification, trigger `manual`. */
export function openManualHandoff(state: RoomState, agent: { id: string; name: string }, reason: string, ctx: RoomContext): Transition {
  const outcome = manualEscalation(reason);
  const decision: EscalationDecision = {
    ...outcome,
    reasons: [...outcome.reasons, `by:${agent.id}`],
    leadLevel: leadLevel(state.qualification),
    signals: detectSignals("", ctx.settings, state.escalation),
    memory: state.escalation,
  };
  const lastVisitor = [...ctx.transcript].reverse().find((m) => m.from === "visitor");
  return openHandoff(state, decision, "manual", { seq: lastVisitor?.seq ?? state.lastSeq, text: lastVisitor?.text ?? "" }, ctx);
}

/** A visitor message while a handoff is open: collect the email once, keep helping until a human joins. */
export function continueHandoff(state: RoomState, message: Message, ctx: RoomContext, hints: LlmHints | null = null): Transition {
  // The visitor answered: the wait for an answer to the holder's last reply is over.
  const noted = applyCommand(state.handoff!, { type: "visitor_message" }, { now: ctx.now, settings: ctx.settings });
  const handoff = noted.ok ? noted.handoff : state.handoff!;
  const data = extractVisitorData(message.text);
  const visitor = mergeVisitorData(state.visitor, data);
  const next: RoomState = { ...state, handoff, visitor, qualification: updateQualification(state.qualification, message) };
  if (data.email && !handoff.packet.visitor.email) {
    const { email, name, company, role } = visitor;
    const updated: Lifecycle = {
      ...handoff,
      updatedAt: ctx.now.toISOString(),
      packet: {
        ...handoff.packet,
        visitor: {
          ...handoff.packet.visitor,
          ...(email ? { email } : {}),
          ...(name ? { name } : {}),
          ...(company ? { company } : {}),
          ...(role ? { role } : {}),
        },
      },
    };
    // A ticket waiting for this address: its row learns it, and the visitor gets the promise in writing.
    const confirmed = confirmTicket(updated, ctx.now.toISOString());
    const withEmail = { ...next, handoff: confirmed.handoff };
    const said = botSays(withEmail, emailReceivedReply(data.email, handoff.availability), ctx);
    const ticketOps: Effect[] = confirmed.handoff.ticket
      ? [
          { type: "sync", op: { kind: "upsert-ticket", ticket: ticketRecord(withEmail, confirmed.handoff) } },
          ...ticketEffects(withEmail, confirmed.handoff, confirmed.effects, ctx),
        ]
      : [];
    return { state: said.state, effects: [...publishHandoff("handoff.updated", withEmail, confirmed.handoff, ctx, handoff), ...ticketOps, ...said.effects] };
  }
  if (data.invalidEmail && !handoff.packet.visitor.email) return botSays(next, INVALID_EMAIL_REPLY, ctx);
  // The bot never talks over a human: once someone has claimed the conversation it stays quiet.
  if (handoff.status === "claimed" || handoff.status === "active") return { state: next, effects: [] };
  const vector = hints?.knowledge;
  if (!ctx.engineWritesReplies) return botReplies(next, replyFromKnowledge(message.text, ctx.settings.knowledgeBase, vector), message, undefined, ctx);
  return { state: next, effects: [{ type: "bot-turn", seq: message.seq, text: message.text, ...(vector ? { knowledge: vector } : {}) }] };
}
