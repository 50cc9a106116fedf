// The team desk under load: `desks` desk sockets of one project connected (the ProjectInbox's), then
// `handoffs` visitors ask for a person within `windowMs`. For each handoff and each desk: from the
// handoff opening (the visitor's socket receives the room's `handoff` frame, sent right after the
// room committed it) to that desk receiving the card's `created` event. Every card must reach every
// desk exactly once. Baton only.
import WebSocket from "ws";

const ALWAYS_OPEN = {
  timezone: "UTC",
  weekly: Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, [{ start: "00:00", end: "24:00" }]])),
};

async function api(http, path, body, token) {
  const res = await fetch(`${http}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${path} -> ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** Opens a socket and resolves once `isReady(frame)` holds for a frame; `onFrame` sees every frame with its arrival time. */
function open(url, headers, isReady, onFrame) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers, perMessageDeflate: false });
    const timer = setTimeout(() => reject(new Error(`no ready frame from ${url.split("?")[0]}`)), 20_000);
    socket.on("message", (data) => {
      const at = performance.now();
      const frame = JSON.parse(String(data));
      onFrame(frame, at);
      if (isReady(frame)) {
        clearTimeout(timer);
        resolve(socket);
      }
    });
    socket.on("error", reject);
  });
}

export async function deskRun({ http, desks, handoffs, windowMs, log }) {
  const ws = http.replace(/^http/, "ws");
  // A project of its own, open around the clock: every handoff is live, none waits on another's settings.
  const project = await api(http, "/v1/projects", { name: "bench desk", settings: { businessHours: ALWAYS_OPEN } }, "dev-admin");
  const agent = await api(http, "/v1/agents", { name: "Bench Agent", email: "bench.agent@example.com" }, project.secretKey);

  /** conversationId → when its handoff frame reached the visitor. */
  const opened = new Map();
  /** conversationId → arrival times of its created card, one per desk. */
  const arrivals = new Map();
  let doubles = 0;
  const deskSockets = [];
  for (let d = 0; d < desks; d++) {
    const seen = new Set();
    const socket = await open(
      `${ws}/v1/desk/socket`,
      { authorization: `Bearer ${agent.agentToken}` },
      (f) => f.type === "desk.snapshot" || f.type === "desk.welcome",
      (frame, at) => {
        if (frame.type !== "desk.event" || frame.kind !== "created") return;
        const id = frame.card.conversationId;
        if (seen.has(id)) return void doubles++;
        seen.add(id);
        if (!arrivals.has(id)) arrivals.set(id, []);
        arrivals.get(id).push(at);
      },
    );
    deskSockets.push(socket);
  }
  log(`${desks} desks connected`);

  // Conversations and visitor sockets first, so the window measures handoffs, not set-up.
  const visitors = [];
  for (let i = 0; i < handoffs; i++) {
    const conversation = await api(http, "/v1/conversations", { projectKey: project.projectKey });
    const socket = await open(
      `${ws}${conversation.socketUrl}`,
      {},
      (f) => f.type === "welcome",
      (frame, at) => {
        if (frame.type === "handoff" && !opened.has(conversation.conversationId)) opened.set(conversation.conversationId, at);
      },
    );
    visitors.push({ id: conversation.conversationId, socket });
  }
  log(`${handoffs} visitors connected; asking for a person within ${windowMs / 1000} s`);

  const started = performance.now();
  for (let i = 0; i < visitors.length; i++) {
    const due = started + (i * windowMs) / visitors.length;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    visitors[i].socket.send(JSON.stringify({ type: "visitor.message", clientId: `desk-bench-${i}`, text: "Can I talk to a person?" }));
  }
  const askedInMs = performance.now() - started;
  // Until every card reached every desk, or 20 s after the last ask.
  const deadline = performance.now() + 20_000;
  while (performance.now() < deadline && [...visitors].some((v) => (arrivals.get(v.id)?.length ?? 0) < desks)) await new Promise((r) => setTimeout(r, 50));

  const samples = [];
  let missing = 0;
  for (const v of visitors) {
    const at = opened.get(v.id);
    const got = arrivals.get(v.id) ?? [];
    missing += desks - got.length;
    if (at !== undefined) for (const t of got) samples.push(t - at);
  }
  for (const s of [...deskSockets, ...visitors.map((v) => v.socket)]) s.close();
  return { desks, handoffs, windowMs, askedInMs, samples, missing, doubles, openedCount: opened.size };
}
