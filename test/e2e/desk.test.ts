// The agent's side in Debian's Chromium against `npm start` (global-setup.ts): an agent signs in
// with a link, sees a visitor's request arrive live on the desk, reads the context screen, claims,
// answers and resolves while the visitor watches in the widget and rates; a claim race, a reload, a
// dropped desk socket, an offline capture and hostile text. Only the network is faked, to cut it.
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page, WebSocketRoute } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium } from "./browser";

const baseUrl = inject("baseUrl");
const VIEWPORT = { width: 1280, height: 820 };
/** Screenshots of every run land here; `UPDATE_SCREENSHOTS=1` writes the README's copies in docs/screenshots. */
const SHOTS = path.resolve(import.meta.dirname, process.env.UPDATE_SCREENSHOTS ? "../../docs/screenshots" : ".artifacts");

let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  mkdirSync(SHOTS, { recursive: true });
});
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await browser?.close();
});

/** Calls the API from the test process (the demo project's secret key unless told otherwise). */
async function api<T = any>(route: string, init: { method?: string; body?: unknown; token?: string } = {}): Promise<T> {
  const res = await fetch(baseUrl + route, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: { authorization: `Bearer ${init.token ?? "sk_demo"}`, ...(init.body === undefined ? {} : { "content-type": "application/json" }) },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const body = (await res.json()) as T;
  if (!res.ok) throw new Error(`${route}: HTTP ${res.status} ${JSON.stringify(body)}`);
  return body;
}

async function newContext(setup?: (context: BrowserContext) => Promise<void>): Promise<BrowserContext> {
  // No motion: cards must not slide in while a screenshot is taken (and the reduced-motion path is the one shot).
  const context = await browser.newContext({ baseURL: baseUrl, viewport: VIEWPORT, reducedMotion: "reduce" });
  contexts.push(context);
  await setup?.(context);
  return context;
}

const signInLink = (agentId: string, next = "/desk") =>
  api<{ url: string }>(`/v1/agents/${agentId}/sign-in-link`, { body: { next } }).then((b) => b.url.replace(/^https?:\/\/[^/]+/, baseUrl));

/** A browser signed in as `agentId` (the demo agent by default), on the desk. */
async function agentDesk(agentId = "agt_demo", setup?: (context: BrowserContext) => Promise<void>): Promise<Page> {
  const page = await (await newContext(setup)).newPage();
  page.on("pageerror", (error) => console.error("desk page error:", error));
  await page.goto(await signInLink(agentId));
  await expect.poll(() => page.url()).toBe(`${baseUrl}/desk`);
  await expect.poll(() => page.locator(".conn").first().textContent(), { timeout: 10_000 }).toBe("Live");
  return page;
}

let agents = 0;
async function secondAgent(name: string): Promise<string> {
  const { agentId } = await api<{ agentId: string }>("/v1/agents", { body: { name, email: `e2e.${Date.now()}.${++agents}@example.com` } });
  return agentId;
}

/** A visitor on the demo page with the chat open. */
async function visitorPage(): Promise<Page> {
  const page = await (await newContext()).newPage();
  page.on("pageerror", (error) => console.error("visitor page error:", error));
  await page.goto("/");
  await page.getByRole("button", { name: /^Open chat/ }).click();
  return page;
}

const widget = (page: Page) => page.locator("baton-widget");
async function say(page: Page, text: string) {
  await page.getByRole("textbox", { name: "Message" }).fill(text);
  await page.getByRole("textbox", { name: "Message" }).press("Enter");
}
const widgetTexts = (page: Page) =>
  page.evaluate(() => Array.from(document.querySelector("baton-widget")?.shadowRoot?.querySelectorAll(".row .bubble") ?? [], (b) => b.textContent ?? ""));
/** The visitor's conversation id, once the widget has started one. */
async function conversationOf(page: Page): Promise<string> {
  const read = () => page.evaluate(() => JSON.parse(localStorage.getItem("baton:pk_demo") ?? "{}").session?.conversationId as string | undefined);
  await expect.poll(read, { timeout: 10_000 }).toEqual(expect.any(String));
  return (await read())!;
}

/** The handoff of a visitor's conversation, once the room has written it. */
async function handoffOf(conversationId: string): Promise<{ id: string; status: string; mode: string; satisfaction: number | null }> {
  let found: { id: string; status: string; mode: string; satisfaction: number | null; conversationId: string } | undefined;
  await expect
    .poll(
      async () => {
        const { handoffs } = await api<{ handoffs: Array<NonNullable<typeof found>> }>("/v1/handoffs?limit=200", { token: "at_demo" });
        found = handoffs.find((h) => h.conversationId === conversationId);
        return found !== undefined;
      },
      { timeout: 15_000 },
    )
    .toBe(true);
  return found!;
}

const card = (desk: Page, handoffId: string) => desk.locator(`li.card[data-handoff="${handoffId}"]`);

describe("the agent's desk and room", () => {
  it("a visitor asks for a person, the desk shows it live, the agent reads the context, claims, answers, resolves, and the visitor rates", async () => {
    const desk = await agentDesk();
    await desk.getByRole("tab", { name: /All open/ }).click();
    const visitor = await visitorPage();
    await widget(visitor).getByRole("button", { name: "Talk to a person" }).click();
    await expect.poll(async () => (await widgetTexts(visitor)).some((t) => /someone will join this chat shortly/.test(t)), { timeout: 15_000 }).toBe(true);
    const conversationId = await conversationOf(visitor);
    const asked = Date.now();
    const { id: handoffId } = await handoffOf(conversationId);

    // Live: no reload, the card slides in, unread, announced.
    await expect.poll(() => card(desk, handoffId).count(), { timeout: 5_000 }).toBe(1);
    console.log(`desk: card visible ${Date.now() - asked} ms after the handoff was read back`);
    expect(await card(desk, handoffId).locator(".unread").count()).toBe(1);
    expect(await card(desk, handoffId).locator(".trigger").textContent()).toBe("Asked for a person");
    await expect.poll(() => desk.locator('[role="status"].sr-only').textContent()).toMatch(/^New handoff from Visitor/);

    // The context screen first, then claim.
    await card(desk, handoffId).locator("a.card-link").click();
    await expect.poll(() => desk.url()).toBe(`${baseUrl}/agent/handoffs/${handoffId}`);
    await expect.poll(() => desk.locator(".ctx-need .summary").textContent()).toMatch(/talk to a person/);
    expect(await desk.locator(".ctx-why").textContent()).toContain("Asked for a person");
    expect(await desk.locator(".ctx-reply blockquote").textContent()).toMatch(/^Hi there, thanks for waiting/);
    expect(await desk.locator(".ctx-tried").textContent()).toContain("Nothing");
    await desk.screenshot({ path: path.join(SHOTS, "context.png"), fullPage: true });
    await desk.getByRole("button", { name: "Claim / Start here" }).click();

    await expect.poll(async () => (await widgetTexts(visitor)).includes("Demo Agent has joined the chat")).toBe(true);
    await expect.poll(() => widget(visitor).locator(".handoff-text").textContent()).toBe("Demo Agent has joined");
    await expect.poll(() => desk.getByRole("textbox", { name: "Reply" }).evaluate((el) => el === document.activeElement)).toBe(true);

    // Typing, both ways.
    await widget(visitor).getByRole("textbox", { name: "Message" }).pressSequentially("Hello?");
    await expect.poll(() => desk.locator(".typing").textContent()).toBe("Visitor is typing…");
    await desk.getByRole("textbox", { name: "Reply" }).pressSequentially("Hi");
    await expect.poll(() => widget(visitor).locator(".typing").textContent()).toBe("Demo Agent is typing…");
    await desk.getByRole("textbox", { name: "Reply" }).fill("");

    // A suggested step fills the composer; the first send hides the chips.
    await desk.getByRole("button", { name: "Suggested first reply" }).click();
    const reply = await desk.getByRole("textbox", { name: "Reply" }).inputValue();
    expect(reply).toMatch(/^Hi there, thanks for waiting/);
    await desk.getByRole("button", { name: "Send", exact: true }).click();
    await expect.poll(async () => (await widgetTexts(visitor)).includes(reply)).toBe(true);
    await expect.poll(() => desk.locator(".chips").count()).toBe(0);
    await expect.poll(() => widget(visitor).locator(".typing").textContent()).toBe("");
    await say(visitor, "Great, thanks! That's all I needed.");
    await expect.poll(() => desk.locator(".from-visitor .bubble").last().textContent()).toBe("Great, thanks! That's all I needed.");
    await desk.screenshot({ path: path.join(SHOTS, "room.png") });

    await desk.getByRole("button", { name: "Resolve", exact: true }).click();
    await expect.poll(() => desk.locator(".room-bar .status").textContent()).toBe("Resolved");
    const rate = widget(visitor).getByRole("button", { name: "5 out of 5, excellent" });
    await expect.poll(() => rate.isVisible()).toBe(true);
    await visitor.screenshot({ path: path.join(SHOTS, "widget.png") });
    await rate.click();
    await expect.poll(async () => (await handoffOf(conversationId)).satisfaction).toBe(5);
    await expect.poll(() => rate.isVisible()).toBe(false);
    await expect.poll(() => desk.locator(".room-side").textContent()).toContain("rated it 5/5");

    // Back on the desk the card is resolved today, and read.
    await desk.getByRole("link", { name: "← Queue" }).click();
    await desk.getByRole("tab", { name: /Resolved today/ }).click();
    await expect.poll(() => card(desk, handoffId).locator(".card-meta").textContent()).toMatch(/^Resolved/);
    expect(await card(desk, handoffId).locator(".unread").count()).toBe(0);
    // Read stays read after a reload (remembered for this agent in this browser).
    await desk.reload();
    await desk.getByRole("tab", { name: /Resolved today/ }).click();
    await expect.poll(() => card(desk, handoffId).count()).toBe(1);
    expect(await card(desk, handoffId).locator(".unread").count()).toBe(0);
  });

  it("two agents race to claim: one wins, the other is told who has it and goes back to the queue", async () => {
    const beaId = await secondAgent("Bea Second");
    const [ana, bea] = await Promise.all([agentDesk(), agentDesk(beaId)]);
    const visitor = await visitorPage();
    await say(visitor, "Can I talk to a person?");
    const { id: handoffId } = await handoffOf(await conversationOf(visitor));
    for (const desk of [ana, bea]) {
      await expect.poll(() => card(desk, handoffId).count()).toBe(1);
      await card(desk, handoffId).locator("a.card-link").click();
      await expect.poll(() => desk.getByRole("button", { name: "Claim / Start here" }).isVisible()).toBe(true);
    }
    // Both clicks land in the same instant: a click that waited for its button to be actionable could
    // find it already replaced by the other agent's live claim (also a right answer, but not the race).
    const buttons = await Promise.all([ana, bea].map((d) => d.getByRole("button", { name: "Claim / Start here" }).elementHandle()));
    await Promise.all(buttons.map((b) => b!.evaluate((el) => (el as HTMLButtonElement).click())));
    const toastOf = (d: Page) => d.locator(".toast").allTextContents();
    await expect.poll(async () => (await toastOf(ana)).length + (await toastOf(bea)).length).toBe(1);
    const loser = (await toastOf(ana)).length ? ana : bea;
    const winner = loser === ana ? bea : ana;
    const winnerName = winner === ana ? "Demo Agent" : "Bea Second";
    expect((await toastOf(loser))[0]).toMatch(new RegExp(`^Already claimed by ${winnerName}, just now`));
    await expect.poll(() => loser.url()).toBe(`${baseUrl}/desk`);
    await expect.poll(() => winner.getByRole("textbox", { name: "Reply" }).isEnabled()).toBe(true);
    await expect.poll(async () => (await widgetTexts(visitor)).filter((t) => t.endsWith("has joined the chat"))).toEqual([`${winnerName} has joined the chat`]);
  });

  it("the visitor reloads mid-conversation and loses nothing; the room keeps up", async () => {
    const desk = await agentDesk();
    const visitor = await visitorPage();
    await say(visitor, "Can I talk to a person?");
    const { id: handoffId } = await handoffOf(await conversationOf(visitor));
    await desk.goto(`/agent/handoffs/${handoffId}`);
    await desk.getByRole("button", { name: "Claim / Start here" }).click();
    await desk.getByRole("textbox", { name: "Reply" }).fill("Hi, I'm here. What can I do for you?");
    await desk.getByRole("textbox", { name: "Reply" }).press("Enter");
    await expect.poll(async () => (await widgetTexts(visitor)).includes("Hi, I'm here. What can I do for you?")).toBe(true);
    const before = await widgetTexts(visitor);

    await visitor.reload();
    await visitor.getByRole("button", { name: /^Open chat/ }).click();
    await expect.poll(() => widgetTexts(visitor), { timeout: 10_000 }).toEqual(before);
    await expect.poll(() => widget(visitor).locator(".handoff-text").textContent()).toBe("Demo Agent is here");
    expect(await widget(visitor).getByRole("button", { name: "Talk to a person" }).isVisible()).toBe(false);
    await say(visitor, "Still here after the reload.");
    await expect.poll(() => desk.locator(".from-visitor .bubble").last().textContent()).toBe("Still here after the reload.");
    const seqs = await desk.locator(".transcript .line").evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.seq));
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it("the desk socket drops and resumes without a missing or a doubled card", async () => {
    let drop!: () => Promise<void>;
    let down = false;
    const desk = await agentDesk("agt_demo", async (context) => {
      const live = new Set<WebSocketRoute>();
      await context.routeWebSocket(/\/v1\/desk\/socket/, (ws) => {
        if (down) return void ws.close({ code: 1011, reason: "network down" });
        const server = ws.connectToServer();
        live.add(ws);
        ws.onClose(() => void server.close());
        server.onClose(() => void ws.close());
      });
      drop = async () => {
        for (const ws of [...live]) await ws.close({ code: 1011, reason: "network drop" });
        live.clear();
      };
    });
    await desk.getByRole("tab", { name: /All open/ }).click();
    const first = await visitorPage();
    await say(first, "Can I talk to a person?");
    const one = await handoffOf(await conversationOf(first));
    await expect.poll(() => card(desk, one.id).count()).toBe(1);

    down = true;
    await drop();
    await expect.poll(() => desk.locator(".conn").first().textContent()).not.toBe("Live");
    const second = await visitorPage();
    await say(second, "I need a human, please.");
    const two = await handoffOf(await conversationOf(second));
    await api(`/v1/handoffs/${one.id}/claim`, { method: "POST", body: {}, token: "at_demo" });
    expect(await card(desk, two.id).count()).toBe(0);

    down = false;
    await expect.poll(() => desk.locator(".conn").first().textContent(), { timeout: 15_000 }).toBe("Live");
    await expect.poll(() => card(desk, two.id).count()).toBe(1);
    await expect.poll(() => card(desk, one.id).locator(".card-meta").textContent()).toMatch(/^Claimed · you/);
    const ids = await desk.locator("li.card").evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.handoff));
    expect(new Set(ids).size).toBe(ids.length);
    const { cards } = await api<{ cards: Array<{ handoffId: string; status: string }> }>("/v1/desk", { token: "at_demo" });
    const open = cards.filter((c) => ["pending", "notified", "claimed", "active"].includes(c.status)).map((c) => c.handoffId);
    expect([...ids].sort()).toEqual([...open].sort());

    // The keyboard walks the queue.
    await desk.locator("a.card-link").first().focus();
    await desk.keyboard.press("ArrowDown");
    expect(await desk.evaluate(() => document.activeElement?.closest("li")?.dataset.handoff)).toBe(ids[1]);

    // The team's numbers, with their chart.
    await desk.locator("details.metrics summary").click();
    await expect.poll(() => desk.locator(".figure").count(), { timeout: 10_000 }).toBe(6);
    await expect.poll(() => desk.locator(".chart canvas").count()).toBe(1);
    expect(await desk.locator(".figure").first().textContent()).toMatch(/^Escalation rate\d+ %/);
    await desk.mouse.move(0, 0);
    await desk.screenshot({ path: path.join(SHOTS, "desk.png") });
  });

  it("outside business hours the visitor leaves an email, and the desk shows an offline capture with it", async () => {
    const { settings } = await api<{ settings: { businessHours: { holidays: string[] } } }>("/v1/settings");
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toLocaleDateString("en-CA", { timeZone: "Europe/Lisbon" });
    await api("/v1/settings", {
      method: "PUT",
      body: { ...settings, businessHours: { ...settings.businessHours, holidays: [...settings.businessHours.holidays, day(-1), day(0), day(1)] } },
    });
    try {
      const desk = await agentDesk();
      await desk.getByRole("tab", { name: /All open/ }).click();
      const visitor = await visitorPage();
      await say(visitor, "Can I talk to a person?");
      await expect.poll(async () => (await widgetTexts(visitor)).some((t) => /Our team is offline right now/.test(t)), { timeout: 15_000 }).toBe(true);
      await say(visitor, "sure, it's ana.lima@example.com");
      await expect
        .poll(async () => (await widgetTexts(visitor)).some((t) => /will email you at ana\.lima@example\.com/.test(t)), { timeout: 15_000 })
        .toBe(true);
      const handoff = await handoffOf(await conversationOf(visitor));
      expect(handoff.mode).toBe("capture");
      await expect.poll(() => card(desk, handoff.id).locator(".capture").textContent()).toBe("Offline · email");
      await card(desk, handoff.id).locator("a.card-link").click();
      await expect.poll(() => desk.locator(".ctx-who").textContent()).toContain("ana.lima@example.com");
      expect(await desk.locator(".ctx-why").textContent()).toMatch(/offline: follow up by email \(promised /);
    } finally {
      await api("/v1/settings", { method: "PUT", body: settings });
    }
  });

  it("hostile text is shown as text on the desk and in the room", async () => {
    const desk = await agentDesk();
    await desk.getByRole("tab", { name: /All open/ }).click();
    const dialogs: string[] = [];
    desk.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const visitor = await visitorPage();
    const hostile = `I'm <img src=x onerror="alert(1)"> from <b>Acme</b>. Can I talk to a person? <script>alert(2)</script>`;
    await say(visitor, hostile);
    const { id: handoffId } = await handoffOf(await conversationOf(visitor));
    await expect.poll(() => card(desk, handoffId).count()).toBe(1);
    await card(desk, handoffId).locator("a.card-link").click();
    await desk.getByRole("button", { name: "Claim / Start here" }).click();
    await expect.poll(() => desk.locator(".from-visitor .bubble").first().textContent()).toBe(hostile);
    await desk.getByRole("button", { name: "Context" }).click();
    expect(await desk.locator(".ctx-need .summary").textContent()).toContain("<script>alert(2)</script>");
    const injected = await desk.evaluate(() => ({
      images: document.querySelectorAll("main img").length,
      bold: document.querySelectorAll("main b").length,
      scripts: document.querySelectorAll("main script").length,
    }));
    expect(injected).toEqual({ images: 0, bold: 0, scripts: 0 });
    await desk.getByRole("link", { name: "← Queue" }).click();
    expect(await card(desk, handoffId).locator(".card-summary").textContent()).toContain("<img src=x");
    expect(await desk.locator("main img, main b").count()).toBe(0);
    expect(dialogs).toEqual([]);
  });

  it("the settings show the API's own message beside the field it names, and invite an agent by link", async () => {
    const page = await (await newContext()).newPage();
    await page.goto(await signInLink("agt_demo", "/settings"));
    await expect.poll(() => page.locator("h1").textContent()).toMatch(/^Settings/);
    expect(await page.locator(".snippet").textContent()).toContain('data-project="pk_demo"');
    const urgent = page.getByRole("spinbutton", { name: "urgent" });
    await urgent.fill("0");
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect.poll(() => page.locator(".banner").textContent()).toMatch(/^slaMinutes\.urgent: /);
    expect(await urgent.getAttribute("aria-invalid")).toBe("true");
    await urgent.fill("7");
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect.poll(() => page.getByRole("button", { name: "Saved" }).isVisible()).toBe(true);
    expect((await api<{ settings: { slaMinutes: { urgent: number } } }>("/v1/settings")).settings.slaMinutes.urgent).toBe(7);

    const invite = page.locator("form.invite");
    await invite.getByRole("textbox", { name: "Name" }).fill("Cara Invited");
    await invite.getByRole("textbox", { name: "Email" }).fill(`cara.${Date.now()}@example.com`);
    await invite.getByRole("button", { name: /Invite/ }).click();
    const link = await page.getByRole("textbox", { name: "Sign-in link for Cara Invited" }).inputValue();
    expect(link).toContain("/agent/sign-in?token=");
    const cara = await (await newContext()).newPage();
    await cara.goto(link.replace(/^https?:\/\/[^/]+/, baseUrl));
    await expect.poll(() => cara.locator(".me").textContent()).toBe("Cara Invited");
    expect(await cara.getByRole("link", { name: "Settings" }).count()).toBe(0);
  });

  it("a sign-in link used twice gets a clear page the second time", async () => {
    const url = await signInLink("agt_demo");
    const first = await (await newContext()).newPage();
    await first.goto(url);
    await expect.poll(() => first.url()).toBe(`${baseUrl}/desk`);
    const second = await (await newContext()).newPage();
    const res = await second.goto(url);
    expect(res?.status()).toBe(410);
    expect(await second.locator("h1").textContent()).toBe("This sign-in link was already used");
  });
});
