// What the visitor is told about the conversation's handoff to a person: the room's latest
// `handoff` frame plus whether an agent has spoken since, turned into one status line. Pure: the
// controller keeps the value, the view only prints the line.
import type { HandoffFrame, MessageFrame } from "../protocol/frames";

/** The fields of a `handoff` frame the widget acts on (it ignores `trigger`); `claimedBy` is the claimer's name. */
export type HandoffUpdate = Pick<HandoffFrame, "type" | "handoffId" | "status" | "mode" | "satisfaction"> & { claimedBy?: string };

export interface HandoffView {
  id: string;
  status: HandoffFrame["status"];
  mode: HandoffFrame["mode"];
  /** Agent messages up to this seq answered an earlier handoff, not this one. */
  afterSeq: number;
  claimedBy?: string;
  satisfaction?: number;
}

/** How the status line looks: waiting for a person, a person is here, or an offline follow-up. */
export type HandoffTone = "waiting" | "joined" | "offline";

export interface HandoffLine {
  tone: HandoffTone;
  text: string;
}

/**
 * Folds a `handoff` frame into the current view. The room sends the frame again on every
 * (re)connect, after the replay, so a first sighting counts every agent message already shown;
 * a new handoff later in the same page only counts agents who speak after it opened.
 */
export function receiveHandoff(current: HandoffView | null, frame: HandoffUpdate, lastSeq: number): HandoffView {
  const afterSeq = current === null ? 0 : current.id === frame.handoffId ? current.afterSeq : lastSeq;
  return {
    id: frame.handoffId,
    status: frame.status,
    mode: frame.mode,
    afterSeq,
    ...(frame.claimedBy ? { claimedBy: frame.claimedBy } : {}),
    ...(frame.satisfaction !== undefined ? { satisfaction: frame.satisfaction } : {}),
  };
}

/** Whether to offer "Talk to a person": always, except while a handoff is waiting or a person is here. */
export function canAskForPerson(handoff: HandoffView | null): boolean {
  return !handoff || handoff.status === "resolved" || handoff.status === "abandoned" || handoff.status === "converted_to_ticket";
}

/** Whether to show the rating buttons: a person resolved the conversation and the visitor has not rated it. */
export function wantsRating(handoff: HandoffView | null): boolean {
  return handoff?.status === "resolved" && handoff.satisfaction === undefined;
}

/** The status line for the visitor, or null when there is nothing to say (no handoff, or it is over). */
export function handoffLine(handoff: HandoffView | null, messages: readonly MessageFrame[]): HandoffLine | null {
  if (!handoff) return null;
  const { status, mode } = handoff;
  if (status === "resolved" || status === "abandoned") return null;
  if (status === "converted_to_ticket") return { tone: "offline", text: "The team will follow up by email" };
  // Whoever spoke last is the person in the chat; the status may not have caught up yet.
  const agent = findLast(messages, (m) => m.from === "agent" && m.seq > handoff.afterSeq);
  if (agent) return { tone: "joined", text: agent.author?.name ? `${agent.author.name} is here` : "A person has joined" };
  if (status === "active" || (status === "claimed" && mode === "live")) {
    return { tone: "joined", text: handoff.claimedBy ? `${handoff.claimedBy} has joined` : "A person has joined" };
  }
  if (mode === "capture") return { tone: "offline", text: "The team is offline — we'll follow up by email" };
  return { tone: "waiting", text: "Connecting you with the team…" };
}

function findLast<T>(list: readonly T[], test: (item: T) => boolean): T | undefined {
  for (let i = list.length - 1; i >= 0; i--) if (test(list[i]!)) return list[i];
  return undefined;
}
