// The agent room's view of one conversation as a plain value: the transcript (messages and notes,
// by seq, each once), the handoff as the room last said, its packet, and whether the visitor is
// typing. Pure: the socket and the HTTP load feed it, the page reads it.
import type { ContextPacket, HandoffStatus } from "../../protocol/jobs";
import type { HandoffFrame, Sender } from "../../protocol/frames";

export interface Line {
  seq: number;
  kind: "message" | "note";
  from: Sender;
  text: string;
  at: string;
  clientId?: string;
  author?: { id: string; name: string };
}

export interface RoomView {
  lines: readonly Line[];
  lastSeq: number;
  handoff: { id: string; status: HandoffStatus; mode: "live" | "capture"; claimedBy: { id: string; name: string } | null; satisfaction?: number };
  packet: ContextPacket;
  summaryPendingUntil: string | null;
  /** When the visitor's last "typing" arrived (null: not typing). */
  visitorTypingAt: number | null;
}

/** Adds lines, keeping seq order and each seq once. */
export function addLines(view: RoomView, lines: readonly Line[]): RoomView {
  const known = new Set(view.lines.map((l) => l.seq));
  const fresh = lines.filter((l) => !known.has(l.seq) && known.add(l.seq));
  if (fresh.length === 0) return view;
  const all = [...view.lines, ...fresh].sort((a, b) => a.seq - b.seq);
  return { ...view, lines: all, lastSeq: Math.max(view.lastSeq, ...fresh.map((l) => l.seq)) };
}

/** Folds one decoded room frame into the view (frames of other handoffs of the conversation only add lines). */
export function applyRoomFrame(view: RoomView, frame: Record<string, unknown>, now: number): RoomView {
  switch (frame.type) {
    case "message":
    case "note": {
      if (typeof frame.seq !== "number" || typeof frame.text !== "string" || typeof frame.at !== "string") return view;
      const line: Line = {
        seq: frame.seq,
        kind: frame.type,
        from: frame.type === "note" ? "agent" : (frame.from as Sender),
        text: frame.text,
        at: frame.at,
        ...(typeof frame.clientId === "string" ? { clientId: frame.clientId } : {}),
        ...(isAuthor(frame.author) ? { author: frame.author } : {}),
      };
      // A message from the visitor means they stopped typing.
      const typed = line.from === "visitor" ? { ...view, visitorTypingAt: null } : view;
      return addLines(typed, [line]);
    }
    case "handoff": {
      const f = frame as unknown as HandoffFrame;
      if (f.handoffId !== view.handoff.id) return view;
      return {
        ...view,
        handoff: {
          id: f.handoffId,
          status: f.status,
          mode: f.mode,
          claimedBy: f.claimedBy ?? null,
          ...(f.satisfaction !== undefined ? { satisfaction: f.satisfaction } : {}),
        },
      };
    }
    case "packet": {
      if (frame.handoffId !== view.handoff.id || typeof frame.packet !== "object" || frame.packet === null) return view;
      return {
        ...view,
        packet: frame.packet as ContextPacket,
        summaryPendingUntil: typeof frame.summaryPendingUntil === "string" ? frame.summaryPendingUntil : null,
      };
    }
    case "typing":
      if (frame.from !== "visitor") return view;
      return { ...view, visitorTypingAt: frame.typing === true ? now : null };
    default:
      return view;
  }
}

/** The visitor is typing: a "typing" within the last 6 seconds, not yet followed by a stop or a message. */
export function isVisitorTyping(view: RoomView, now: number): boolean {
  return view.visitorTypingAt !== null && now - view.visitorTypingAt < 6000;
}

/** Whether a model may still be writing a better summary at `now`. */
export function isSummaryPending(view: RoomView, now: number): boolean {
  return view.summaryPendingUntil !== null && Date.parse(view.summaryPendingUntil) > now;
}

function isAuthor(v: unknown): v is { id: string; name: string } {
  return typeof v === "object" && v !== null && typeof (v as { id?: unknown }).id === "string" && typeof (v as { name?: unknown }).name === "string";
}
