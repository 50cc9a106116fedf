import { describe, expect, it } from "vitest";
import type { MessageFrame } from "../protocol/frames";
import {
  checkText,
  countUnread,
  emptyState,
  listItems,
  markFailed,
  pendingMessages,
  queueMessage,
  receiveMessage,
  retryMessage,
  startOver,
  type ChatState,
} from "./store";

const AT = "2026-05-04T10:00:00.000Z";

function msg(seq: number, from: MessageFrame["from"] = "bot", extra: Partial<MessageFrame> = {}): MessageFrame {
  return { type: "message", seq, from, text: `m${seq}`, at: AT, ...extra };
}

function receiveAll(state: ChatState, frames: MessageFrame[]): ChatState {
  return frames.reduce(receiveMessage, state);
}

const seqs = (state: ChatState) => state.messages.map((m) => m.seq);

describe("receiving messages", () => {
  const cases: { name: string; frames: MessageFrame[]; seqs: number[]; lastSeq: number }[] = [
    { name: "live messages append in order", frames: [msg(1), msg(2), msg(3)], seqs: [1, 2, 3], lastSeq: 3 },
    { name: "a replay after reconnect adds nothing already seen", frames: [msg(1), msg(2), msg(1), msg(2), msg(3)], seqs: [1, 2, 3], lastSeq: 3 },
    { name: "an out-of-order frame is placed by seq", frames: [msg(1), msg(3), msg(2)], seqs: [1, 2, 3], lastSeq: 3 },
    { name: "a gap is kept as a gap (seq numbers are the room's, not ours)", frames: [msg(1), msg(5)], seqs: [1, 5], lastSeq: 5 },
    {
      name: "the same clientId under another seq is shown once",
      frames: [msg(4, "visitor", { clientId: "c1" }), msg(7, "visitor", { clientId: "c1" })],
      seqs: [4],
      lastSeq: 4,
    },
  ];
  it.each(cases)("$name", ({ frames, seqs: expected, lastSeq }) => {
    const state = receiveAll(emptyState, frames);
    expect(seqs(state)).toEqual(expected);
    expect(state.lastSeq).toBe(lastSeq);
  });

  it("returns the same state object when a frame changes nothing", () => {
    const state = receiveAll(emptyState, [msg(1), msg(2)]);
    expect(receiveMessage(state, msg(2))).toBe(state);
  });

  it("keeps hostile text verbatim (rendering, not storing, is where escaping happens)", () => {
    const text = `<script>alert(1)</script><img src=x onerror=alert(2)>`;
    const state = receiveMessage(emptyState, msg(1, "visitor", { text }));
    expect(state.messages[0]!.text).toBe(text);
  });
});

describe("the outbox", () => {
  const queued = queueMessage(queueMessage(emptyState, { clientId: "a", text: "first", at: AT }), { clientId: "b", text: "second", at: AT });

  it("holds unacknowledged messages oldest first", () => {
    expect(pendingMessages(queued).map((o) => o.clientId)).toEqual(["a", "b"]);
  });

  it("an echo with the message's clientId is its acknowledgement", () => {
    const acked = receiveMessage(queued, msg(1, "visitor", { clientId: "a", text: "first" }));
    expect(pendingMessages(acked).map((o) => o.clientId)).toEqual(["b"]);
    expect(listItems(acked).filter((i) => i.text === "first")).toHaveLength(1);
  });

  it("an acknowledgement replayed after a reconnect clears the outbox just the same", () => {
    const acked = receiveAll(queued, [msg(1, "visitor", { clientId: "a" }), msg(2, "bot"), msg(1, "visitor", { clientId: "a" })]);
    expect(seqs(acked)).toEqual([1, 2]);
    expect(pendingMessages(acked).map((o) => o.clientId)).toEqual(["b"]);
  });

  it("a message already stored never re-enters the outbox as a duplicate row", () => {
    const stored = receiveMessage(emptyState, msg(1, "visitor", { clientId: "a", text: "first" }));
    const requeued = receiveMessage(queueMessage(stored, { clientId: "a", text: "first", at: AT }), msg(1, "visitor", { clientId: "a" }));
    expect(listItems(requeued)).toHaveLength(1);
  });

  it("queueing the same clientId twice keeps one entry", () => {
    expect(queueMessage(queued, { clientId: "a", text: "again", at: AT })).toBe(queued);
  });

  it("a failed message waits for a retry and is not resent meanwhile", () => {
    const failed = markFailed(queued, "a", "too many messages");
    expect(pendingMessages(failed).map((o) => o.clientId)).toEqual(["b"]);
    expect(listItems(failed)[0]).toMatchObject({ kind: "outgoing", status: "failed", error: "too many messages" });
    const retried = retryMessage(failed, "a");
    expect(pendingMessages(retried).map((o) => o.clientId)).toEqual(["a", "b"]);
    expect(retried.outbox[0]).not.toHaveProperty("error");
  });

  it("marking or retrying an unknown clientId changes nothing", () => {
    expect(markFailed(queued, "zzz", "x")).toBe(queued);
    expect(retryMessage(queued, "zzz")).toBe(queued);
  });
});

describe("starting over in a new conversation", () => {
  it("drops the old history and resumes from zero but keeps every unsent message pending", () => {
    const state = markFailed(queueMessage(receiveAll(emptyState, [msg(1), msg(2)]), { clientId: "a", text: "hi", at: AT }), "a", "x");
    const fresh = startOver(state);
    expect(fresh.messages).toEqual([]);
    expect(fresh.lastSeq).toBe(0);
    expect(pendingMessages(fresh).map((o) => o.clientId)).toEqual(["a"]);
  });
});

describe("listing rows", () => {
  it("shows stored messages by seq, then the outbox, keyed so a row survives its acknowledgement", () => {
    const state = queueMessage(receiveAll(emptyState, [msg(1, "visitor", { clientId: "v1" }), msg(2, "agent", { author: { id: "ag1", name: "Dana" } })]), {
      clientId: "v2",
      text: "pending",
      at: AT,
    });
    const items = listItems(state);
    expect(items.map((i) => i.key)).toEqual(["c:v1", "s:2", "c:v2"]);
    expect(items[1]).toMatchObject({ kind: "message", from: "agent", author: "Dana" });
    const acked = listItems(receiveMessage(state, msg(3, "visitor", { clientId: "v2", text: "pending" })));
    expect(acked.map((i) => i.key)).toEqual(["c:v1", "s:2", "c:v2"]);
    expect(acked[2]).toMatchObject({ kind: "message", seq: 3 });
  });
});

describe("checking visitor text", () => {
  const cases = [
    { name: "plain text passes trimmed", raw: "  hello \n", expected: { ok: true, text: "hello" } },
    { name: "blank text is refused", raw: " \n\t ", expected: { ok: false, reason: "empty" } },
    { name: "4000 characters pass", raw: "x".repeat(4000), expected: { ok: true, text: "x".repeat(4000) } },
    { name: "4001 characters are refused", raw: "x".repeat(4001), expected: { ok: false, reason: "too_long" } },
    { name: "surrounding whitespace does not count toward the limit", raw: ` ${"x".repeat(4000)} `, expected: { ok: true, text: "x".repeat(4000) } },
    { name: "hostile text is just text", raw: "<script>alert(1)</script>", expected: { ok: true, text: "<script>alert(1)</script>" } },
  ];
  it.each(cases)("$name", ({ raw, expected }) => {
    expect(checkText(raw)).toEqual(expected);
  });
});

describe("unread count", () => {
  it("counts bot, agent and system messages after the last one read, never the visitor's own", () => {
    const state = receiveAll(emptyState, [msg(1, "visitor"), msg(2, "bot"), msg(3, "visitor"), msg(4, "agent"), msg(5, "system")]);
    expect(countUnread(state, 0)).toBe(3);
    expect(countUnread(state, 2)).toBe(2);
    expect(countUnread(state, 5)).toBe(0);
  });
});
