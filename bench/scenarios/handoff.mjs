// The handoff as the team sees it: from the visitor's message that asks for a person to the
// alert's chat.postMessage at a fake Slack that runs in this process (so both ends share one
// clock). Latency: handoffs one after another, each in its own project and Slack channel (Slack's
// per-channel pace is not in play). Burst: many handoffs at once in ONE channel while the fake
// enforces Slack's one message per second: all must arrive, none twice; the floor is the pace.
import WebSocket from "ws";

const ALWAYS_OPEN = {
  timezone: "UTC",
  weekly: Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, [{ start: "00:00", end: "24:00" }]])),
};

async function api(http, path, body, token, method = "POST") {
  const res = await fetch(`${http}${path}`, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} -> ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

let channels = 0;
/** A project open around the clock whose handoffs go to its own (fake) Slack channel. */
async function slackProject(http) {
  const project = await api(http, "/v1/projects", { name: "bench handoffs", settings: { businessHours: ALWAYS_OPEN } }, "dev-admin");
  const channel = `CBENCH${String(++channels).padStart(5, "0")}${Date.now() % 100000}`;
  await api(http, "/v1/channels/slack", { botToken: "xoxb-bench-token-0123456789", channelId: channel }, project.secretKey, "PUT");
  await api(http, "/v1/channels/outbox", { enabled: false }, project.secretKey, "PUT");
  return { ...project, channel };
}

/** A visitor socket in a new conversation of `project`, open and welcomed. */
async function visitorIn(http, ws, project) {
  const conversation = await api(http, "/v1/conversations", { projectKey: project.projectKey });
  const socket = new WebSocket(`${ws}${conversation.socketUrl}`);
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no welcome")), 15_000);
    socket.on("message", (data) => {
      if (JSON.parse(String(data)).type === "welcome") {
        clearTimeout(timer);
        resolve();
      }
    });
    socket.on("error", reject);
  });
  return socket;
}

const ask = (socket) => socket.send(JSON.stringify({ type: "visitor.message", clientId: `ask-${Math.random()}`, text: "Can I talk to a person?" }));

/** Waits until `count` alerts reached `channel` (or the deadline); returns their arrival times. */
function alertsIn(fake, channel, count, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve) => {
    const check = () => {
      const alerts = fake.calls.filter((c) => c.ok && c.method === "chat.postMessage" && c.args.channel === channel && !c.args.thread_ts);
      if (alerts.length >= count || Date.now() > deadline) resolve(alerts);
      else setTimeout(check, 20);
    };
    check();
  });
}

export async function handoffRun({ http, fake, latencyCount, burst, log }) {
  fake.limit(0);
  const samples = [];
  let timeouts = 0;
  for (let i = 0; i < latencyCount; i++) {
    const project = await slackProject(http);
    const socket = await visitorIn(http, http.replace(/^http/, "ws"), project);
    const sent = Date.now();
    ask(socket);
    const [alert] = await alertsIn(fake, project.channel, 1, 10_000);
    if (alert) samples.push(alert.at - sent);
    else timeouts++;
    socket.close();
  }
  log(`handoff → alert: ${samples.length} samples, ${timeouts} timeouts`);

  // Slack's pace: one message a second per channel, refused with a 429 and Retry-After otherwise.
  fake.limit(1000);
  const project = await slackProject(http);
  const ws = http.replace(/^http/, "ws");
  const sockets = [];
  for (let i = 0; i < burst; i += 20) sockets.push(...(await Promise.all(Array.from({ length: Math.min(20, burst - i) }, () => visitorIn(http, ws, project)))));
  const start = Date.now();
  for (const socket of sockets) ask(socket);
  const alerts = await alertsIn(fake, project.channel, burst, burst * 1500 + 60_000);
  await new Promise((r) => setTimeout(r, 2000)); // anything posted twice would arrive now
  const posted = fake.calls.filter((c) => c.ok && c.method === "chat.postMessage" && c.args.channel === project.channel && !c.args.thread_ts);
  const handoffIds = posted.map((c) => JSON.stringify(c.args.blocks).match(/"value":"(h_[^":]+)/)?.[1]);
  const refused = fake.calls.filter((c) => c.status === 429 && c.args.channel === project.channel).length;
  for (const socket of sockets) socket.close();
  fake.limit(0);
  const drainSeconds = alerts.length ? (alerts.at(-1).at - start) / 1000 : null;
  log(
    `burst: ${posted.length}/${burst} alerts, ${posted.length - new Set(handoffIds).size} duplicates, drained in ${drainSeconds?.toFixed(1)} s (${refused} × 429)`,
  );
  return {
    latency: { samples, timeouts },
    burst: {
      handoffs: burst,
      delivered: new Set(handoffIds).size,
      duplicates: posted.length - new Set(handoffIds).size,
      drainSeconds,
      floorSeconds: burst - 1,
      refused429: refused,
    },
  };
}
