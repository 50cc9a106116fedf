// A room whose worker has OPENAI_API_KEY: the bot's words, extra signals and the handoff summary
// come from the (fake) OpenAI-compatible API, while the decision stays with the rules.
import { describe, expect, it } from "vitest";
import type { DeskEventFrame } from "../../protocol/desk";
import type { RoomFrame } from "../../protocol/frames";
import { ALWAYS_OPEN, call, Client, createAgent, createProject, json, say, startConversation } from "../workers/helpers";

const settings = {
  knowledgeBase: [{ id: "trial", question: "Do you offer a free trial?", answer: "Yes, 14 days.", keywords: ["trial"] }],
  businessHours: ALWAYS_OPEN,
};

describe("a room with the OpenAI engine", () => {
  it("answers from the knowledge base in the model's words", async () => {
    const project = await createProject({ settings });
    const visitor = await Client.open((await startConversation(project)).socketUrl);
    expect((await say(visitor, "Is there a trial?")).text).toBe("(llm) Yes, 14 days.");
  });

  it("opens a handoff the rules alone would miss, and replaces the packet's summary with the model's", async () => {
    const project = await createProject({ settings });
    const agent = await createAgent(project);
    const visitor = await Client.open((await startConversation(project)).socketUrl);
    const reply = await say(visitor, "I'm Ana from Acme, I'd love to chat with whoever built this");
    expect(reply.text).toMatch(/someone will join this chat shortly/);
    const frame = await visitor.waitFor((f) => f.find((x): x is Extract<RoomFrame, { type: "handoff" }> => x.type === "handoff"));
    expect(frame.trigger).toBe("explicit_request");
    for (let i = 0; i < 50; i++) {
      const { handoff } = await json<{ handoff: any }>(await call(`/v1/handoffs/${frame.handoffId}`, { token: agent.agentToken }), 200);
      if (handoff.packet.summary.startsWith("LLM summary")) {
        expect(handoff.packet).toMatchObject({
          visitor: { name: "Ana", company: "Acme" },
          reasons: expect.arrayContaining(["explicit_phrase:llm:wants_human"]),
        });
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("the LLM summary never reached the handoff");
  });

  it("shows the desk the rules' summary as being written, then the model's as soon as it arrives", async () => {
    const project = await createProject({ settings });
    const agent = await createAgent(project);
    const desk = await Client.open("/v1/desk/socket", undefined, { authorization: `Bearer ${agent.agentToken}` });
    const visitor = await Client.open((await startConversation(project)).socketUrl);
    await say(visitor, "Can I talk to a person?");
    const events = () => (desk.frames as unknown as DeskEventFrame[]).filter((f) => f.type === "desk.event");
    const created = await desk.waitFor(() => events().find((e) => e.kind === "created"), "created");
    expect(created.card.summary).not.toMatch(/^LLM summary/);
    expect(Date.parse(created.card.summaryPendingUntil!) - Date.parse(created.card.openedAt)).toBe(5000);
    const ready = await desk.waitFor(() => events().find((e) => e.kind === "packet-ready"), "packet-ready");
    expect(ready.card).toMatchObject({ handoffId: created.card.handoffId, summaryPendingUntil: null });
    expect(ready.card.summary).toMatch(/^LLM summary/);
    expect(ready.seq).toBeGreaterThan(created.seq);
  });
});
