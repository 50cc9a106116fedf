// The crash made real: the room has stored and acknowledged a visitor message and is waiting on
// the (fake) LLM, which never answers this first call, when the object is reset. The room that
// starts again owes the turn, asks again, and answers exactly once.
import { abortAllDurableObjects } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { agentSession, ALWAYS_OPEN, Client, createAgent, createProject, startConversation } from "../workers/helpers";

const settings = {
  knowledgeBase: [{ id: "trial", question: "Do you offer a free trial?", answer: "Yes, 14 days.", keywords: ["trial"] }],
  businessHours: ALWAYS_OPEN,
};

describe("a room reset while the LLM is thinking", () => {
  it("answers the acknowledged message once the room starts again, exactly once", async () => {
    const project = await createProject({ settings });
    const agent = await createAgent(project);
    const { conversationId, socketUrl } = await startConversation(project);
    const visitor = await Client.open(socketUrl);
    const text = `Do you offer a free trial? [hang-once:${crypto.randomUUID().slice(0, 8)}]`;
    visitor.send({ type: "visitor.message", clientId: "q", text });
    const ack = await visitor.waitForMessage((m) => m.clientId === "q", "ack");
    await abortAllDurableObjects(); // the engine call is still hanging: the bot turn never committed
    const back = await Client.open(socketUrl, ack.seq);
    // Whatever the engine answers (the hang token is noise to retrieval), it answers once.
    const reply = await back.waitForMessage((m) => m.from === "bot" && m.seq > ack.seq, "the owed reply");
    const agentView = await Client.open((await agentSession(conversationId, agent.agentToken)).socketUrl, 0);
    await agentView.waitForMessage((m) => m.seq === reply.seq);
    expect(agentView.messages().map((m) => m.from)).toEqual(["visitor", "bot"]);
  });
});
