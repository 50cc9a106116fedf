// The room's storage writes only what changed: an agent's line outside a handoff appends to the
// transcript and leaves the state row as it was, so a woken room must number on from the
// transcript; a resend is found by the transcript's unique (author, clientId) index, not by a
// SELECT before every message.
import { abortAllDurableObjects, env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { RoomStorage } from "../../durable-objects/room-storage";
import type { RoomState } from "../../domain/room/room-types";
import { agentSession, Client, createAgent, createProject, startConversation } from "./helpers";

const storedState = (conversationId: string) =>
  runInDurableObject(env.ConversationRoom.getByName(conversationId), async (_instance, state) => {
    const row = state.storage.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'state'").toArray()[0];
    return JSON.parse(row?.value ?? "null") as { lastSeq: number } | null;
  });

describe("room storage", () => {
  it("agent lines write no state row, and a room woken after them numbers on from the transcript", async () => {
    const project = await createProject();
    const { agentToken } = await createAgent(project);
    const { conversationId } = await startConversation(project);
    const agent = await Client.open((await agentSession(conversationId, agentToken)).socketUrl);
    for (const n of [1, 2, 3]) agent.send({ type: "agent.message", clientId: `a${n}`, text: `line ${n}` });
    await agent.waitForMessage((m) => m.clientId === "a3", "third line");
    agent.close();
    expect((await storedState(conversationId))?.lastSeq).toBe(0); // three appends, the state row untouched

    await abortAllDurableObjects(); // the room wakes from storage
    const again = await Client.open((await agentSession(conversationId, agentToken)).socketUrl, 0);
    again.send({ type: "agent.message", clientId: "a4", text: "line 4" });
    const fourth = await again.waitForMessage((m) => m.clientId === "a4", "fourth line");
    expect(fourth.seq).toBe(4);
    const seqs = again.messages().map((m) => m.seq);
    expect(seqs).toEqual([1, 2, 3, 4]);
    again.close();
  });

  it("a resend is answered with the stored copy, stored once, whatever the socket", async () => {
    const project = await createProject();
    const { agentToken } = await createAgent(project);
    const { conversationId } = await startConversation(project);
    const first = await Client.open((await agentSession(conversationId, agentToken)).socketUrl);
    first.send({ type: "agent.message", clientId: "same", text: "once" });
    const stored = await first.waitForMessage((m) => m.clientId === "same", "the line");
    first.close();
    const second = await Client.open((await agentSession(conversationId, agentToken)).socketUrl, stored.seq);
    second.send({ type: "agent.message", clientId: "same", text: "once" });
    const copy = await second.waitForMessage((m) => m.clientId === "same", "the stored copy");
    expect(copy).toMatchObject({ seq: stored.seq, text: "once" });
    second.send({ type: "agent.message", clientId: "next", text: "after" });
    expect((await second.waitForMessage((m) => m.clientId === "next", "the next line")).seq).toBe(stored.seq + 1);
    second.close();
  });
});

const newRoom = async () => {
  const project = await createProject();
  const { agentToken } = await createAgent(project);
  const { conversationId } = await startConversation(project);
  return { conversationId, agentToken };
};
/** An agent's socket writes one line and closes; the line's seq. */
const oneLine = async ({ conversationId, agentToken }: { conversationId: string; agentToken: string }, clientId: string, since?: number) => {
  const agent = await Client.open((await agentSession(conversationId, agentToken)).socketUrl, since);
  agent.send({ type: "agent.message", clientId, text: `line ${clientId}` });
  const { seq } = await agent.waitForMessage((m) => m.clientId === clientId, `line ${clientId}`);
  agent.close();
  return seq;
};

// A commit of messages and the state row alone runs without an explicit transaction (the runtime
// commits the event's writes together): when its state write fails, its messages must not stay
// behind a state that does not count them (a bot reply stored while its visitor message reads as
// unanswered would be answered a second time at the room's next start).
describe("a plain commit whose state write fails", () => {
  it("leaves none of its messages stored, and the room's state as it was", async () => {
    const room = await newRoom();
    await oneLine(room, "1");
    await runInDurableObject(env.ConversationRoom.getByName(room.conversationId), async (_instance, state) => {
      const store = new RoomStorage(state.storage);
      const before = store.loadState()!;
      const reply = { seq: before.lastSeq + 1, kind: "message" as const, from: "bot" as const, text: "a reply", at: new Date().toISOString() };
      // A state the row cannot hold (JSON has no BigInt): the write after the message's INSERT throws.
      const unwritable = { ...before, lastSeq: reply.seq, analysedSeq: reply.seq, extra: 1n } as unknown as RoomState;
      expect(() => store.commit(unwritable, [reply])).toThrow(/BigInt/);
      expect(store.messagesSince(0, true).map((m) => m.seq)).toEqual([1]);
      expect(store.loadState()).toEqual(before);
      // A state write alone that fails is the state write's error, nothing to take back.
      expect(() => store.commit({ ...unwritable, lastSeq: before.lastSeq } as RoomState, [])).toThrow(/BigInt/);
      expect(store.loadState()).toEqual(before);
      // The same messages with a state that can be written commit as usual.
      store.commit({ ...before, lastSeq: reply.seq }, [reply]);
      expect(store.messagesSince(0, true).map((m) => m.text)).toEqual(["line 1", "a reply"]);
    });
  });
});

// partyserver's fallback copy of the object's name (durable-objects/name-record.ts): in the room's
// meta table, not in a key-value table of its own beside it.
describe("the room's name record", () => {
  const nameRecords = (conversationId: string) =>
    runInDurableObject(env.ConversationRoom.getByName(conversationId), async (_instance, state) => ({
      kv: await state.storage.get("__ps_name"),
      meta: state.storage.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'partyserver:name'").toArray()[0]?.value ?? null,
    }));

  it("is kept in the meta table, and the room answers after a wake", async () => {
    const room = await newRoom();
    expect(await oneLine(room, "a1")).toBe(1);
    expect(await nameRecords(room.conversationId)).toEqual({ kv: undefined, meta: JSON.stringify(room.conversationId) });

    await abortAllDurableObjects();
    expect(await oneLine(room, "a2", 1)).toBe(2);
  });

  it("a room whose record an earlier version wrote with the key-value API still finds it there", async () => {
    const room = await newRoom();
    // The object exists (its constructor ran) but partyserver has not started it: the record is the old kind.
    await runInDurableObject(env.ConversationRoom.getByName(room.conversationId), (_instance, state) => state.storage.put("__ps_name", room.conversationId));
    expect(await oneLine(room, "a1")).toBe(1);
    expect(await nameRecords(room.conversationId)).toEqual({ kv: room.conversationId, meta: null }); // found, so not written again
  });
});
