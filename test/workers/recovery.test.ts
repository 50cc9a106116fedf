// No reply lost to a crash: a visitor message is committed with the turn it is owed, and a room
// reset between that commit and the bot's turn answers it when it starts again (or its alarm
// rings, or the visitor resends), exactly once. The crash is made exact: the room's own
// transition and commit run, then the object is reset before any effect does.
import { abortAllDurableObjects, env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { transition } from "../../domain/room/transition";
import type { Effect } from "../../domain/room/room-types";
import type { RoomFrame } from "../../protocol/frames";
import { agentSession, Client, createAgent, createProject, startConversation } from "./helpers";

const knowledgeBase = [{ question: "Do you offer a free trial?", answer: "Yes — every plan starts with a 14-day free trial.", keywords: ["trial"] }];
const room = (conversationId: string) => env.ConversationRoom.getByName(conversationId);

interface Shell {
  store: { loadState(): any; commitEffects(...args: unknown[]): number; appendAhead(state: unknown, messages: unknown[]): void };
  roomSettings: { get(): Promise<any> };
  alarmClock: { arm(): Promise<void> };
}

/**
 * Runs each visitor message's first step (`visitor.message`) exactly as the room would and hands its
 * transition to `keep` (what of it is written), runs none of its effects, then resets the object.
 * Returns the last seq.
 */
async function crashAfter(
  conversationId: string,
  messages: Array<[clientId: string, text: string]>,
  keep: (shell: Shell, next: unknown, effects: Effect[]) => void,
  then: (shell: Shell) => Promise<void> = async () => {},
): Promise<number> {
  const seq = await runInDurableObject(room(conversationId), async (instance) => {
    const shell = instance as unknown as Shell;
    const settings = await shell.roomSettings.get();
    for (const [clientId, text] of messages) {
      const ctx = {
        now: new Date(),
        newId: (p: string) => `${p}${crypto.randomUUID()}`,
        settings,
        hasChannel: true,
        agentsOnline: 0,
        engineWritesReplies: false,
        transcript: [],
      };
      const { state: next, effects } = transition(shell.store.loadState(), { type: "visitor.message", clientId, text }, ctx);
      expect(effects.map((e) => e.type)).toContain("analyze");
      keep(shell, next, effects);
    }
    await then(shell);
    return shell.store.loadState().lastSeq as number;
  });
  await abortAllDurableObjects();
  return seq;
}

/** Commits visitor messages exactly as the room would with an engine to ask (each owing its turn), arms its alarm, and resets the object. */
function crashAfterCommit(conversationId: string, ...messages: Array<[clientId: string, text: string]>): Promise<number> {
  return crashAfter(
    conversationId,
    messages,
    (shell, next, effects) => shell.store.commitEffects(next, effects, undefined, null),
    (shell) => shell.alarmClock.arm(),
  );
}

/**
 * Stores visitor messages ahead of their turn exactly as the room does with the rules engine (the
 * first step's append, the state kept only in memory), then resets the object before the second
 * step (the turn and its commit) runs.
 */
function crashAhead(conversationId: string, ...messages: Array<[clientId: string, text: string]>): Promise<number> {
  return crashAfter(conversationId, messages, (shell, next, effects) =>
    shell.store.appendAhead(
      next,
      effects.flatMap((e) => (e.type === "append" ? [e.message] : [])),
    ),
  );
}

async function transcriptOf(conversationId: string, agentToken: string) {
  const agent = await Client.open((await agentSession(conversationId, agentToken)).socketUrl, 0);
  const welcome = await agent.waitFor((f) => f.find((x): x is Extract<RoomFrame, { type: "welcome" }> => x.type === "welcome"));
  await agent.waitFor((f) => (f.filter((x) => "seq" in x).length >= welcome.lastSeq ? true : undefined), "replay");
  agent.close();
  return agent.messages();
}

async function setup() {
  const project = await createProject({ settings: { knowledgeBase } });
  const agent = await createAgent(project);
  const conversation = await startConversation(project);
  // The room opens on its first socket, as the widget's would right after creating the conversation.
  const first = await Client.open(conversation.socketUrl);
  await first.waitFor((f) => f.find((x) => x.type === "welcome"), "welcome");
  first.close();
  return { project, agent, ...conversation };
}

describe("a crash between a visitor's message and the bot's reply", () => {
  it("the room answers it when it starts again, exactly once", async () => {
    const { conversationId, socketUrl, agent } = await setup();
    const seq = await crashAfterCommit(conversationId, ["lost-1", "Do you offer a free trial?"]);
    const visitor = await Client.open(socketUrl, seq); // the visitor reconnects; the room starts again
    const reply = await visitor.waitForMessage((m) => m.from === "bot" && m.seq > seq, "the owed reply");
    expect(reply.text).toContain("14-day free trial");
    // Waking it again (its alarm, another reset, another socket) adds nothing.
    await runDurableObjectAlarm(room(conversationId));
    await abortAllDurableObjects();
    await runDurableObjectAlarm(room(conversationId));
    const messages = await transcriptOf(conversationId, agent.agentToken);
    expect(messages.map((m) => m.from)).toEqual(["visitor", "bot"]);
  });

  it("its alarm alone, with nobody reconnecting, brings the answer", async () => {
    const { conversationId, agent } = await setup();
    const seq = await crashAfterCommit(conversationId, ["lost-2", "Do you offer a free trial?"]);
    expect(await runDurableObjectAlarm(room(conversationId))).toBe(true); // the owed turn's deadline was armed with the commit
    for (let i = 0; i < 50; i++) {
      const messages = await transcriptOf(conversationId, agent.agentToken);
      if (messages.some((m) => m.from === "bot" && m.seq > seq)) return expect(messages.map((m) => m.from)).toEqual(["visitor", "bot"]);
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error("the owed turn was never answered");
  });

  it("the visitor's resend of the same clientId gets the stored message and the reply, and nothing is stored twice", async () => {
    const { conversationId, socketUrl, agent } = await setup();
    const seq = await crashAfterCommit(conversationId, ["lost-3", "Do you offer a free trial?"]);
    // The widget never saw its ack: it reconnects from before the message and resends it.
    const visitor = await Client.open(socketUrl, seq - 1);
    visitor.send({ type: "visitor.message", clientId: "lost-3", text: "Do you offer a free trial?" });
    await visitor.waitFor((f) => (f.filter((x) => x.type === "message" && x.clientId === "lost-3").length >= 2 ? true : undefined), "replay and resend ack");
    const reply = await visitor.waitForMessage((m) => m.from === "bot" && m.seq > seq, "the reply");
    expect(reply.text).toContain("14-day free trial");
    expect(
      visitor
        .messages()
        .filter((m) => m.clientId === "lost-3")
        .every((m) => m.seq === seq),
    ).toBe(true);
    const messages = await transcriptOf(conversationId, agent.agentToken);
    expect(messages.map((m) => m.from)).toEqual(["visitor", "bot"]);
  });

  it("several turns left owed are all answered, in order, each once", async () => {
    const { conversationId, socketUrl, agent } = await setup();
    const last = await crashAfterCommit(conversationId, ["a", "Do you offer a free trial?"], ["b", "What is the airspeed of a swallow?"]);
    const visitor = await Client.open(socketUrl, last);
    await visitor.waitFor((f) => (f.filter((x) => x.type === "message" && x.from === "bot").length >= 2 ? true : undefined), "two replies");
    const messages = await transcriptOf(conversationId, agent.agentToken);
    expect(messages.map((m) => m.from)).toEqual(["visitor", "visitor", "bot", "bot"]);
    expect(messages[2]!.text).toContain("14-day free trial");
    expect(messages[3]!.text).toMatch(/not sure/i);
    await runInDurableObject(room(conversationId), async (instance) => {
      expect((instance as unknown as { store: { owedTurns(): unknown[] } }).store.owedTurns()).toEqual([]);
    });
  });
});

describe("owed turns in a healthy room", () => {
  it("every answered message leaves no owed turn behind", async () => {
    const { conversationId, socketUrl } = await setup();
    const visitor = await Client.open(socketUrl);
    for (const [i, text] of ["Do you offer a free trial?", "hmm", "ok"].entries()) {
      visitor.send({ type: "visitor.message", clientId: `m${i}`, text });
      const mine = await visitor.waitForMessage((m) => m.clientId === `m${i}`);
      await visitor.waitForMessage((m) => m.from === "bot" && m.seq > mine.seq);
    }
    await runInDurableObject(room(conversationId), async (instance) => {
      expect((instance as unknown as { store: { owedTurns(): unknown[] } }).store.owedTurns()).toEqual([]);
    });
  });
});

describe("a crash between a message stored ahead of its turn and the turn (the rules engine)", () => {
  it("the room answers it when it starts again, exactly once", async () => {
    const { conversationId, socketUrl, agent } = await setup();
    const seq = await crashAhead(conversationId, ["ahead-1", "Do you offer a free trial?"]);
    const visitor = await Client.open(socketUrl, seq); // the widget reconnects after the drop; the room starts again
    const reply = await visitor.waitForMessage((m) => m.from === "bot" && m.seq > seq, "the reply");
    expect(reply.text).toContain("14-day free trial");
    await abortAllDurableObjects();
    await runDurableObjectAlarm(room(conversationId));
    const messages = await transcriptOf(conversationId, agent.agentToken);
    expect(messages.map((m) => [m.from, m.seq])).toEqual([
      ["visitor", 1],
      ["bot", 2],
    ]);
  });

  it("a resend of its clientId gets the stored copy and one reply", async () => {
    const { conversationId, socketUrl, agent } = await setup();
    const seq = await crashAhead(conversationId, ["ahead-2", "Do you offer a free trial?"]);
    const visitor = await Client.open(socketUrl, seq - 1);
    visitor.send({ type: "visitor.message", clientId: "ahead-2", text: "Do you offer a free trial?" });
    await visitor.waitForMessage((m) => m.from === "bot" && m.seq > seq, "the reply");
    const messages = await transcriptOf(conversationId, agent.agentToken);
    expect(messages.map((m) => m.from)).toEqual(["visitor", "bot"]);
  });

  it("a request for a person cut off this way still opens the handoff when the room starts", async () => {
    const { conversationId, socketUrl } = await setup();
    const seq = await crashAhead(conversationId, ["ahead-3", "I want to talk to a real person please"]);
    const visitor = await Client.open(socketUrl, seq);
    const handoff = await visitor.waitFor((f) => f.find((x): x is Extract<RoomFrame, { type: "handoff" }> => x.type === "handoff"), "the handoff");
    expect(handoff.trigger).toBe("explicit_request");
  });
});

describe("a visitor message with the rules engine", () => {
  it("is echoed ahead of its answer, and messages sent together are answered each before the next is stored", async () => {
    const { conversationId, socketUrl, agent } = await setup();
    const visitor = await Client.open(socketUrl);
    const texts = ["Do you offer a free trial?", "What is the airspeed of a swallow?", "Do you offer a free trial?"];
    for (const [i, text] of texts.entries()) visitor.send({ type: "visitor.message", clientId: `p${i}`, text });
    await visitor.waitFor((f) => (f.filter((x) => x.type === "message" && x.from === "bot").length >= 3 ? true : undefined), "three replies");
    const messages = await transcriptOf(conversationId, agent.agentToken);
    expect(messages.map((m) => m.from)).toEqual(["visitor", "bot", "visitor", "bot", "visitor", "bot"]);
    expect(messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    // Nothing stored ahead is left behind: the stored state has caught up with the transcript.
    await runInDurableObject(room(conversationId), async (instance) => {
      expect((instance as unknown as { store: { unanalysed(): unknown[] } }).store.unanalysed()).toEqual([]);
    });
  });
});
