// Turns one bench run's numbers into the console table and bench/RESULTS.md: medians over runs,
// ratios paired within each round (same minute, same noise), and each goal met or missed by how much.
import { COMPETITORS } from "./scenarios/widget.mjs";
import { VISITOR_QUESTIONS } from "./lib/questions.mjs";
import { int, kb, median, ms, summarize } from "./lib/stats.mjs";

function table(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join("  ");
  return {
    text: [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n"),
    md: [`| ${headers.join(" | ")} |`, `| ${headers.map(() => "---").join(" | ")} |`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n"),
  };
}

const med = (runs, pick) => median(runs.map(pick));
/** Median over rounds of a/b, each round's two figures measured minutes apart at most. */
function pairedRatio(aRuns, bRuns, pick) {
  const n = Math.min(aRuns.length, bRuns.length);
  const ratios = [];
  for (let i = 0; i < n; i++) ratios.push(pick(aRuns[i]) / pick(bRuns[i]));
  return median(ratios);
}
/** RSS growth per socket; below 1 KB it is allocator and GC noise, not a measurement. */
const perSocket = (bytes) => (bytes < 1024 ? "< 1 KB (noise)" : kb(bytes));
/** The relay deployed as Baton is (behind Static Assets): its ratios are shown beside the goals'. */
const DEPLOYED = "minimal-do-assets";
const x = (v) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : v === Infinity ? "∞" : "–");
/** A percentile that counted lost messages as infinite: over 1% lost, there is no p99 to show. */
const msLost = (v) => (v === Infinity ? "∞" : ms(v));
const msUnit = (v) => (v === Infinity ? "∞ (> 1% lost)" : `${ms(v)} ms`);
/** Median that keeps an infinite p99 (a round with over 1% lost), unlike stats.median. */
function medianOf(values) {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function renderReport(results) {
  const sections = [];
  const text = [];
  const goals = [];
  const names = Object.fromEntries(results.targets.map((t) => [t.key, t.name]));
  const goal = (what, target, measured, met, by, deployed = "") => goals.push({ what, target, measured, met, by, deployed });
  /**
   * A goal on a ratio to the minimal relay (`≤ limit` or `≥ limit`), with the two figures behind it;
   * `deployed` is the same ratio to the relay behind Static Assets (shown beside, not judged).
   */
  const ratioGoal = (what, r, limit, sense, figures, deployed) => {
    const met = sense === "≤" ? r <= limit : r >= limit;
    const by = Number.isFinite(r) ? `${Math.abs((r / limit - 1) * 100).toFixed(0)}%` : "";
    goal(
      what,
      `${sense} ${x(limit)}`,
      x(r),
      met,
      `${Number.isFinite(r) ? (met ? `${by} to spare` : `missed by ${by}`) : r === Infinity ? "over 1% of Baton's messages lost" : "not measured"}: ${figures}`,
      deployed === undefined ? "" : x(deployed),
    );
  };

  if (results.widget) {
    const main = results.widget.find((w) => w.everyPage);
    const rows = results.widget.map((w) => [w.file, w.everyPage ? "every page" : "lazy / other page", kb(w.raw), kb(w.gzip), kb(w.brotli)]);
    for (const c of COMPETITORS) rows.push([`${c.name} (published)`, "every page", "", `~${c.gzipKb} KB`, ""]);
    const t = table(["Widget", "Loaded on", "Raw", "gzip", "brotli"], rows);
    const vs = main ? COMPETITORS.map((c) => `${c.name} ${x((c.gzipKb * 1024) / main.gzip)}`).join(", ") : "";
    sections.push(
      `## Widget weight\n\n${t.md}\n\nCompressed with node:zlib (gzip level 9, brotli quality 11). The widget is one IIFE with no code splitting, so nothing else is loaded lazily; it is smaller than ${vs}.`,
    );
    text.push(`WIDGET\n${t.text}`);
    if (main) {
      const limit = 15 * 1024;
      goal(
        "Widget ≤ 15 KB gzip on every page",
        "≤ 15.0 KB",
        kb(main.gzip),
        main.gzip <= limit,
        main.gzip <= limit ? `${kb(limit - main.gzip)} to spare` : `over by ${kb(main.gzip - limit)}`,
      );
    }
  }

  if (results.bundle) {
    const b = results.bundle;
    const rows = b.files.map((f) => [f.file, kb(f.raw), kb(f.gzip)]);
    if (b.wranglerUploadKiB !== null) rows.push(['wrangler\'s "Total Upload"', `${b.wranglerUploadKiB.toFixed(1)} KB`, `${b.wranglerGzipKiB.toFixed(1)} KB`]);
    const t = table(["Worker bundle", "Raw", "gzip"], rows);
    sections.push(
      `## Worker bundle\n\n${t.md}\n\nWhat \`wrangler deploy\` would upload, built offline by \`wrangler deploy --dry-run --outdir\` on the app snapshot (minified, as wrangler.toml asks); gzip is node:zlib level 9, wrangler's own line is its figure for the same upload. Source maps are not counted. Every Durable Object parses this script when its isolate starts, so it is part of a cold wake on Cloudflare.`,
    );
    text.push(`WORKER BUNDLE\n${t.text}`);
    const limit = 600 * 1024;
    goal(
      "Worker bundle ≤ 600 KB raw",
      "≤ 600.0 KB",
      `${kb(b.raw)} (${kb(b.gzip)} gzip)`,
      b.raw <= limit,
      b.raw <= limit ? `${kb(limit - b.raw)} to spare` : `over by ${kb(b.raw - limit)}`,
    );
  }

  if (results.latency) {
    const L = results.latency;
    /** One row per system of a latency direction: percentiles (medians over the rounds) and Baton's paired ratios. */
    const latencyTable = (title, D) =>
      table(
        [title, "p50", "p90", "p99", "Baton/this p50", "Baton/this p99", "timeouts"],
        Object.keys(D).map((k) => [
          names[k],
          ms(med(D[k].runs, (r) => r.p50)),
          ms(med(D[k].runs, (r) => r.p90)),
          ms(med(D[k].runs, (r) => r.p99)),
          D.baton && k !== "baton" ? x(pairedRatio(D.baton.runs, D[k].runs, (r) => r.p50)) : "",
          D.baton && k !== "baton" ? x(pairedRatio(D.baton.runs, D[k].runs, (r) => r.p99)) : "",
          String(D[k].timeouts + (D[k].botMissing ? ` (+${D[k].botMissing} bot)` : "")),
        ]),
      );
    const t = latencyTable("Relay latency visitor→agent (ms)", L);
    const cfg = results.presetConfig.latency;
    sections.push(
      `## Relay latency\n\n${t.md}\n\nOne visitor→agent pair per system, one message in flight (the next is sent when the agent has the message, the visitor has its ack and, for Baton and the relay that answers, the bot's reply has arrived), the texts the demo knowledge base's questions in turn (the same for every system), ${cfg.warmup} warm-up messages then ${cfg.count} measured, in a fresh room; ${cfg.runs} rounds with the systems in rotating order. Each percentile is the median over the rounds; each ratio is the median of the per-round ratios.`,
    );
    text.push(`RELAY LATENCY (median of ${cfg.runs} rounds)\n${t.text}`);
    const A = results.latencyAgent;
    if (A) {
      const ta = latencyTable("Relay latency agent→visitor (ms)", A);
      sections.push(
        `${ta.md}\n\nThe same pair the other way, in the same rounds: the agent writes, the figure is send → the visitor's receipt. Baton runs no bot turn for an agent's line (one stored message, as the relays'), so this is its own floor per stored message; no goal is set on it.`,
      );
      text.push(`RELAY LATENCY AGENT→VISITOR (median of ${cfg.runs} rounds)\n${ta.text}`);
    }
    if (L.baton && L["minimal-do"]) {
      const r50 = pairedRatio(L.baton.runs, L["minimal-do"].runs, (r) => r.p50);
      const answering = L["minimal-do-answer"];
      const floor = answering
        ? `; the relay answering each message ${ms(med(answering.runs, (q) => q.p50))} ms, ${x(pairedRatio(answering.runs, L["minimal-do"].runs, (q) => q.p50))} the relay; Baton ${x(pairedRatio(L.baton.runs, answering.runs, (q) => q.p50))} it`
        : "";
      ratioGoal(
        "Single-pair latency p50 ≤ 1.1× minimal DO relay",
        r50,
        1.1,
        "≤",
        `Baton ${ms(med(L.baton.runs, (q) => q.p50))} ms vs ${ms(med(L["minimal-do"].runs, (q) => q.p50))} ms${floor}`,
        L[DEPLOYED] && pairedRatio(L.baton.runs, L[DEPLOYED].runs, (q) => q.p50),
      );
    }
  }

  if (results.throughput) {
    const T = results.throughput;
    const keys = Object.keys(T);
    const rows = keys.map((k) => [
      names[k],
      int(med(T[k].runs, (r) => r.perSecond)),
      T["minimal-do"] && k !== "minimal-do" ? x(pairedRatio(T[k].runs, T["minimal-do"].runs, (r) => r.perSecond)) : "",
      ms(med(T[k].runs, (r) => r.latency.p50)),
      ms(med(T[k].runs, (r) => r.latency.p99)),
      int(med(T[k].runs, (r) => r.cpuPerMessageUs)),
      `${Math.round(med(T[k].runs, (r) => r.serverCpuShare) * 100)}%`,
      String(T[k].runs.reduce((s, r) => s + r.errors + r.duplicates + r.lost, 0)),
    ]);
    const t = table(["Throughput, one room", "msg/s", "/ minimal DO", "p50 ms", "p99 ms", "server CPU µs/msg", "server CPU", "errors+dupes+lost"], rows);
    const cfg = results.presetConfig.throughput;
    sections.push(
      `## Throughput of one room\n\n${t.md}\n\nOne room, ${cfg.senders} agent sockets each keeping ${cfg.window} messages in flight (pipelined; ${cfg.senders * cfg.window} in flight in all, closed loop), plus one visitor socket that receives everything; every message is stored (except by the \`ws\` relay) and sent to all ${cfg.senders + 1} sockets of the room. Agent messages, so Baton runs no bot turn here (a visitor message costs a second stored message, the bot's). ${cfg.warmupMs / 1000} s warm-up, ${cfg.measureMs / 1000} s measured, ${cfg.runs} rounds, medians. msg/s counts messages delivered to the visitor; latency is send→visitor; server CPU is user+system time of the server's processes (workerd + wrangler for the DO systems) per delivered message and as a share of one core.`,
    );
    text.push(`THROUGHPUT (median of ${cfg.runs} rounds)\n${t.text}`);
    if (T.baton && T["minimal-do"]) {
      const r = pairedRatio(T.baton.runs, T["minimal-do"].runs, (q) => q.perSecond);
      ratioGoal(
        "One-room throughput (agent messages) ≥ 0.85× minimal DO relay",
        r,
        0.85,
        "≥",
        `Baton ${int(med(T.baton.runs, (q) => q.perSecond))} msg/s vs ${int(med(T["minimal-do"].runs, (q) => q.perSecond))} msg/s`,
        T[DEPLOYED] && pairedRatio(T.baton.runs, T[DEPLOYED].runs, (q) => q.perSecond),
      );
    }
  }

  if (results.visitorThroughput) {
    const V = results.visitorThroughput;
    const keys = Object.keys(V);
    const relay = V["minimal-do"];
    const rows = keys.map((k) => [
      names[k],
      int(med(V[k].runs, (r) => r.perSecond)),
      ms(med(V[k].runs, (r) => r.echo.p50)),
      ms(med(V[k].runs, (r) => r.latency.p50)),
      ms(med(V[k].runs, (r) => r.latency.p99)),
      int(med(V[k].runs, (r) => r.cpuPerMessageUs)),
      relay && k !== "minimal-do" ? x(pairedRatio(V[k].runs, relay.runs, (r) => r.cpuPerMessageUs)) : "",
      `${Math.round(med(V[k].runs, (r) => r.serverCpuShare) * 100)}%`,
      String(V[k].runs.reduce((s, r) => s + r.errors + r.lost + r.botMissing + r.unmatchedBot, 0)),
    ]);
    const t = table(
      [
        `Visitor messages, ${results.presetConfig.visitorThroughput.rooms ?? 1} rooms`,
        "visitor msg/s",
        "echo p50 ms",
        "done p50 ms",
        "done p99 ms",
        "server CPU µs/visitor msg",
        "/ minimal DO",
        "server CPU",
        "errors+lost+bot missing",
      ],
      rows,
    );
    const cfg = results.presetConfig.visitorThroughput;
    sections.push(
      `## Visitor messages (the bot's turn included)\n\n${t.md}\n\n${cfg.rooms ?? 1} rooms at once, each with one visitor socket keeping ${cfg.window} \`visitor.message\`s in flight (closed loop: the next is sent when one is done) and one agent socket receiving; msg/s is all the rooms' together. Several rooms, because a Baton room answers its turns one after another, each once its message's frames are written (1 ms after the echo's commit), so one room alone leaves the runtime idle between turns, and CPU per message on an idling server counts its wake-ups rather than the message. For Baton a message is done when the bot's reply to it has arrived: the room stores it, echoes it, analyses it and stores and sends the rules bot's reply (two stored messages and a turn of the engine per visitor message); bot replies carry no clientId, so each is matched to the oldest echoed message still waiting (the room answers turns in order). For the relays, which have no bot, a message is done when its stored echo has arrived, so theirs is the cost of one stored, relayed message; except for the minimal DO relay answering each visitor message (\`bench/minimal-do/worker.js\`, \`answer=1\`), which stores and sends the message and ends the event (the runtime's commit releases its frames), then 1 ms later stores and sends a fixed bot reply in a second commit, storing no later message of the room before it, as Baton's room does without its brain: the floor of a stored message with its stored answer, done when that reply has arrived. Texts rotate through the ${VISITOR_QUESTIONS.length} questions of the demo knowledge base (each answered, none opening a handoff). ${cfg.warmupMs / 1000} s warm-up, ${cfg.measureMs / 1000} s measured, ${cfg.runs} rounds in rotating order, medians; "/ minimal DO" is the median of the per-round ratios of CPU per message. Server CPU as in the throughput table.`,
    );
    text.push(`VISITOR MESSAGES (median of ${cfg.runs} rounds)\n${t.text}`);
    if (V.baton && relay) {
      const r = pairedRatio(V.baton.runs, relay.runs, (q) => q.cpuPerMessageUs);
      const answering = V["minimal-do-answer"];
      const floor = answering
        ? `; the relay answering each message (two stored messages, no brain) ${int(med(answering.runs, (q) => q.cpuPerMessageUs))} µs, ${x(pairedRatio(answering.runs, relay.runs, (q) => q.cpuPerMessageUs))} the relay; Baton ${x(pairedRatio(V.baton.runs, answering.runs, (q) => q.cpuPerMessageUs))} this floor`
        : "";
      ratioGoal(
        "Server CPU per visitor message (with its bot turn) ≤ 2× minimal DO relay's per stored message",
        r,
        2,
        "≤",
        `Baton ${int(med(V.baton.runs, (q) => q.cpuPerMessageUs))} µs vs ${int(med(relay.runs, (q) => q.cpuPerMessageUs))} µs${floor}`,
        V[DEPLOYED] && pairedRatio(V.baton.runs, V[DEPLOYED].runs, (q) => q.cpuPerMessageUs),
      );
    }
  }

  if (results.concurrency) {
    const C = results.concurrency;
    const relay = C["minimal-do"];
    const rows = Object.entries(C).map(([k, c]) => [
      names[k],
      int(c.sockets),
      int(c.messages),
      `${c.errorTotal}${
        c.errorTotal
          ? ` (${Object.entries(c.errors)
              .filter(([, n]) => n)
              .map(([e, n]) => `${e} ${n}`)
              .join(", ")})`
          : ""
      }`,
      c.handoffs ? `${c.handoffs} (${c.handoffTriggers.join(", ")})` : "0",
      msLost(c.latency.p50),
      c.roundP99.map(msLost).join(" / "),
      `${msLost(medianOf(c.roundP99))} (${msLost(Math.min(...c.roundP99))}–${msLost(Math.max(...c.roundP99))})`,
      msLost(c.latency.p99),
      relay && k !== "minimal-do" ? `${x(medianOf(c.roundP99) / medianOf(relay.roundP99))} / ${x(c.latency.p99 / relay.latency.p99)}` : "",
      `${c.createSeconds.toFixed(2)}${c.agentSessionSeconds === null || c.agentSessionSeconds === undefined ? "" : ` (+ ${c.agentSessionSeconds.toFixed(2)} agent sessions)`}`,
      `${(c.rssIdle / 2 ** 20).toFixed(0)} → ${(c.rssPeak / 2 ** 20).toFixed(0)} MB`,
      perSocket(c.bytesPerConversation),
      relay && k !== "minimal-do" ? x(c.bytesPerConversation / relay.bytesPerConversation) : "",
      Number.isFinite(c.proxyBytesPerSocket) ? perSocket(c.proxyBytesPerSocket * 2) : "–",
    ]);
    const t = table(
      [
        "Concurrency",
        "sockets",
        "messages",
        "errors",
        "handoffs opened",
        "p50 ms",
        "p99 per round ms",
        "p99 median (min–max)",
        "p99 whole run",
        "p99 / minimal DO (median / whole)",
        "create rooms s",
        "server RSS idle → peak",
        "RSS per conversation",
        "/ minimal DO",
        "+ wrangler proxy per conversation",
      ],
      rows,
    );
    const cfg = results.presetConfig.concurrency;
    sections.push(
      `## Concurrency\n\n${t.md}\n\n${int(cfg.conversations)} conversations × (visitor + agent) sockets held open, then ${cfg.rounds} rounds of ${cfg.roundMs / 1000} s in which each visitor sends one of the demo knowledge base's questions (in turn) every ${cfg.intervalMs / 1000} s (staggered evenly). The systems' rounds are interleaved: every system's conversations are opened first, then round 1 of each system runs, in an order that rotates with the round, then round 2 of each, and so on, so that a slow or quick phase of the box falls on every system's rounds alike instead of on whichever system ran then. Before each round a warm-up, not measured, in which each visitor sends one message (staggered over ${cfg.intervalMs / 1000} s): a system's rooms sit idle while the others run (and, before round 1, while the rest of its own connected), long enough to be evicted, and their wakes would land in the round as a cluster whose size depends on how long that took; a wake is timed apart in the cold-wake table. After each round what is in flight drains and the rooms rest ${(cfg.restMs ?? 1000) / 1000} s, so each round is a repeat of its own. Latency is visitor→agent; "p99 median (min–max)" is the median and the spread of the rounds' p99, "whole run" the p99 of every message of every round. A message not delivered within 10 s is lost and counts as an infinite latency in every percentile (∞: over 1% of the messages, or over half for a p50, were lost; a percentile of only the survivors would look better the more are lost). "Handoffs opened" counts conversations whose visitor got a \`handoff\` frame (with the triggers): the load is meant to be bot turns, and each handoff also alerts, queues and files a card. Errors count failed room creations and connections, error frames, unexpected closes, failed sends and messages not delivered within 10 s. "create rooms" is the time to create the ${int(cfg.conversations)} rooms, 32 requests at a time: for Baton the \`POST /v1/conversations\` of each (what a visitor's widget makes; the creation goal counts these), then, timed apart, an agent session each (\`POST /v1/conversations/:id/agent-session\`); the relays take rooms by name, so theirs is ~0. Every system's object (Baton's room too) is created by its first socket, so that cost is in the sockets' time. RSS is the server process (workerd for Baton and the minimal DO; node for the others) from /proc, before the rooms were created and at its peak with every socket open; per conversation = (peak − idle) / conversations, i.e. one room (for the DO systems its Durable Object instance) and its two sockets. Under \`wrangler dev\` every socket also passes through a second workerd process (a proxy that owns the public port and does not exist on Cloudflare); its growth is shown apart.`,
    );
    text.push(`CONCURRENCY\n${t.text}`);
    if (C.baton) {
      const c = C.baton;
      goal("Concurrency errors = 0", "0", String(c.errorTotal), c.errorTotal === 0, c.errorTotal === 0 ? "" : `missed by ${c.errorTotal} error(s)`);
      if (relay) {
        const deployed = C[DEPLOYED];
        const rounds = medianOf(c.roundP99) / medianOf(relay.roundP99);
        ratioGoal(
          `Concurrency p99 (median of ${c.roundP99.length} rounds) ≤ 2× minimal DO relay`,
          rounds,
          2,
          "≤",
          `Baton ${msUnit(medianOf(c.roundP99))} vs ${msUnit(medianOf(relay.roundP99))}`,
          deployed && medianOf(c.roundP99) / medianOf(deployed.roundP99),
        );
        const whole = c.latency.p99 / relay.latency.p99;
        ratioGoal(
          "Concurrency p99 (whole run) ≤ 3× minimal DO relay",
          whole,
          3,
          "≤",
          `Baton ${msUnit(c.latency.p99)} vs ${msUnit(relay.latency.p99)}`,
          deployed && c.latency.p99 / deployed.latency.p99,
        );
        const mem = c.bytesPerConversation / relay.bytesPerConversation;
        ratioGoal(
          "Memory per conversation ≤ 1.3× minimal DO relay",
          mem,
          1.3,
          "≤",
          `Baton ${kb(c.bytesPerConversation)} vs ${kb(relay.bytesPerConversation)}`,
          deployed && c.bytesPerConversation / deployed.bytesPerConversation,
        );
      }
      // The goal is 1,000 in 5 s; a smaller run is held to the same rate.
      const limit = (5 * cfg.conversations) / 1000;
      goal(
        `${int(cfg.conversations)} conversations created through the API in ≤ ${limit} s`,
        `≤ ${limit} s`,
        `${c.createSeconds.toFixed(2)} s`,
        c.createSeconds <= limit && c.errors.create === 0,
        c.createSeconds <= limit
          ? `${(limit - c.createSeconds).toFixed(2)} s to spare`
          : `missed by ${(c.createSeconds - limit).toFixed(2)} s (${x(c.createSeconds / limit)} the limit)`,
      );
    }
  }

  if (results.coldWake) {
    const W = results.coldWake;
    const relay = W["minimal-do"];
    const rows = Object.entries(W).map(([k, w]) => [
      names[k],
      `${ms(w.warmWelcome.p50)} / ${ms(w.warmWelcome.p99)}`,
      `${ms(w.coldWelcome.p50)} / ${ms(w.coldWelcome.p99)} / ${ms(w.coldWelcome.max)}`,
      relay && k !== "minimal-do" ? `${x(w.coldWelcome.p50 / relay.coldWelcome.p50)} / ${x(w.coldWelcome.p99 / relay.coldWelcome.p99)}` : "",
      `${ms(w.coldEcho.p50)} / ${ms(w.coldEcho.p99)}`,
      `${w.failed} of ${w.rooms}`,
    ]);
    const t = table(
      [
        "Cold wake, open → first frame (ms)",
        "warm p50 / p99",
        "cold p50 / p99 / max",
        "cold / minimal DO p50 / p99",
        "cold open → first echo p50 / p99",
        "failed",
      ],
      rows,
    );
    const rooms = Object.values(W)[0].rooms;
    sections.push(
      `## Cold wake\n\n${t.md}\n\n${rooms} rooms per system, each created and sent one message (for Baton, its bot reply awaited) so that its object and stored rows exist; "warm" then reopens each with its object still in memory. Then each runtime's process group is SIGKILLed and started again on the same --persist-to (both together); once each answers its ready check (which loads the Worker, not any room), one room at a time, a visitor socket is opened and timed to its first frame (\`welcome\`, sent after the object has started and read its state), then a message is sent and timed to its echo (from the same open). Locally the Worker's isolate is already up, so this is the object's own start (constructor, SQLite, state) and not the script parse, which on Cloudflare grows with the bundle above.`,
    );
    text.push(`COLD WAKE\n${t.text}`);
  }

  if (results.desk) {
    const d = results.desk;
    const s = summarize(d.samples);
    const rows = [
      ["Handoff opened → card on a connected desk, p50 / p99", `${ms(s.p50)} / ${ms(s.p99)} ms (${d.samples.length} deliveries)`],
      ["Desks connected, handoffs opened (asked within)", `${d.desks}, ${d.openedCount} of ${d.handoffs} (${(d.askedInMs / 1000).toFixed(1)} s)`],
      ["Cards missing / doubled on a desk", `${d.missing} / ${d.doubles}`],
    ];
    const t = table(["Team desk (ProjectInbox)", "result"], rows);
    sections.push(
      `## Team desk

${t.md}

From the visitor's socket receiving the room's \`handoff\` frame (sent right after the room committed the handoff) to each desk socket receiving the card's \`created\` event: the room's sync outbox publishes it to the project's ProjectInbox, which numbers it and pushes it to every desk. All sockets of one agent, over the loopback.`,
    );
    text.push(`DESK\n${t.text}`);
    goal(
      `Card on ${d.desks} desks, ${d.handoffs} handoffs in ${d.windowMs / 1000} s: p99 ≤ 250 ms, none missing or doubled`,
      "≤ 250 ms, 0 / 0",
      `${ms(s.p99)} ms, ${d.missing} / ${d.doubles}`,
      s.p99 <= 250 && d.missing === 0 && d.doubles === 0,
      s.p99 <= 250 ? `${ms(250 - s.p99)} ms to spare` : `over by ${ms(s.p99 - 250)} ms`,
    );
  }

  if (results.handoff) {
    const h = results.handoff;
    const lat = summarize(h.latency.samples);
    const b = h.burst;
    const rows = [
      [
        "Visitor asks for a person → alert's chat.postMessage, p50 / p99",
        `${ms(lat.p50)} / ${ms(lat.p99)} ms (${h.latency.samples.length} handoffs, ${h.latency.timeouts} timeouts)`,
      ],
      [`${b.handoffs} handoffs at once in one channel: alerts delivered / duplicates`, `${b.delivered} / ${b.duplicates}`],
      [
        "Burst drained in (floor: Slack's one message a second)",
        `${b.drainSeconds === null ? "–" : b.drainSeconds.toFixed(1)} s (floor ${b.floorSeconds} s; ${b.refused429} posts refused with 429 and retried)`,
      ],
    ];
    const t = table(["Handoff to Slack (fake Slack, in process)", "result"], rows);
    sections.push(
      `## Handoff to Slack

${t.md}

The fake Slack runs in the bench's own process (one clock for both ends) and, for the burst, refuses a second post to a channel within a second with a 429 and Retry-After, as Slack does. Each latency handoff has its own project and channel, so the pace is not in play there.`,
    );
    text.push(`HANDOFF\n${t.text}`);
    goal(
      "Handoff → Slack alert p99 ≤ 1 s (no rate limit)",
      "≤ 1,000 ms",
      `${ms(lat.p99)} ms`,
      lat.p99 <= 1000,
      lat.p99 <= 1000 ? "met" : `over by ${ms(lat.p99 - 1000)} ms`,
    );
    goal(
      `Burst of ${b.handoffs}: all delivered, none twice`,
      `${b.handoffs} / 0`,
      `${b.delivered} / ${b.duplicates}`,
      b.delivered === b.handoffs && b.duplicates === 0,
      b.drainSeconds === null
        ? ""
        : `drained in ${b.drainSeconds.toFixed(1)} s against a ${b.floorSeconds} s floor (${(b.drainSeconds / Math.max(1, b.floorSeconds)).toFixed(2)}×)`,
    );
  }

  if (results.chaos) {
    const c = results.chaos;
    const r = c.restart;
    const rows = [
      ["Conversations exactly-once and in order", `${c.passed}/${c.conversations} (${(c.passRate * 100).toFixed(1)}%)`],
      ["Messages sent by clients / stored (incl. bot replies)", `${int(c.sent)} / ${int(c.storedMessages)}`],
      ["Socket kills / server restarts", `${c.kills} / ${r ? 1 : 0}`],
      ["Unacked messages resent after reconnect", int(c.resent)],
      ["Frames dropped by client seq dedup (resend answers)", int(c.duplicateFrames)],
      ["Resync after a socket kill p50 / p99", `${ms(c.resyncKillP50)} / ${ms(c.resyncKillP99)} ms (${c.resyncAfterKill.length} reconnects)`],
      ["Resync after the server restart p50 / p99", `${ms(c.resyncRestartP50)} / ${ms(c.resyncRestartP99)} ms (${c.resyncAfterRestart.length} reconnects)`],
      [
        "Server restart: down, then ready → every socket resynced",
        r ? `${r.downSeconds.toFixed(1)} s, then ${(r.readyToAllResyncedMs / 1000).toFixed(2)} s` : "–",
      ],
      ["Error frames / clients stuck at the end", `${c.errorFrames.length} / ${c.stuck}`],
      ["Frames received before `welcome` / welcomes with lastSeq below the client's", `${c.framesBeforeWelcome} / ${c.seqRegressions}`],
    ];
    const t = table(["Chaos (Baton)", "result"], rows);
    const cfg = results.presetConfig.chaos;
    const failures = c.failures.length
      ? `\n\nFailures (first 10):\n\n${c.failures
          .slice(0, 10)
          .map((f) => `- ${f}`)
          .join("\n")}`
      : "";
    const errs = c.errorFrames.length
      ? `\n\nError frames (first 5): ${c.errorFrames
          .slice(0, 5)
          .map((e) => `\`${e}\``)
          .join(", ")}`
      : "";
    sections.push(
      `## Chaos\n\n${t.md}\n\n${cfg.conversations} conversations, visitor and agent both writing (one message in flight per sender, 150–750 ms between messages) for ${cfg.durationMs / 1000} s; each second every socket is dropped (TCP reset, no close frame) with probability ${cfg.killsPerMinute}%/60, and halfway through the dev server's whole process group is SIGKILLed and started again (\`scripts/start.mjs\`, same port, same --persist-to). Clients reconnect with backoff (100 ms doubling to 1 s, ±50%) and \`since=<last seq>\`, and resend their unacknowledged message with the same clientId. At the end a fresh agent socket reads each stored transcript: it must hold every sent clientId exactly once, each sender's messages in send order, seqs 1..n, and each client's view (deduplicated by seq as the widget does) must equal the part of it that client may see. Frames arriving before a connection's \`welcome\` break the protocol's order (welcome, then replay, then live) and can hide replayed messages from a client that deduplicates by seq; they are counted. Resync = from the reconnecting socket's open to having every message up to \`welcome.lastSeq\` (the client's backoff is not included). Seed ${results.seed}.${failures}${errs}`,
    );
    text.push(`CHAOS (Baton)\n${t.text}`);
    goal(
      "Chaos: exactly once, in order",
      "100%",
      `${(c.passRate * 100).toFixed(1)}%`,
      c.passRate === 1,
      c.passRate === 1 ? "" : `missed by ${((1 - c.passRate) * 100).toFixed(1)} points: ${c.conversations - c.passed} conversation(s) failed`,
    );
  }

  const showDeployed = goals.some((goal) => goal.deployed);
  const g = table(
    ["Goal", "target", "measured", "status", ...(showDeployed ? ["Baton / the relay behind Static Assets (not judged)"] : [])],
    goals.map((goal) => [
      goal.what,
      goal.target,
      goal.measured,
      goal.met ? `met${goal.by ? ` (${goal.by})` : ""}` : `**MISSED**, ${goal.by}`,
      ...(showDeployed ? [goal.deployed] : []),
    ]),
  );
  text.push(`GOALS\n${g.text}`);

  const m = results.machine;
  const markdown = `# Baton benchmarks

Written by \`npm run bench\` (bench/run.mjs). Ratios measured in the same run are what count: the
machine is shared and noisy, absolute figures move from run to run.

- **Date:** ${results.startedAt.toISOString()} (took ${(results.wallSeconds / 60).toFixed(1)} min: ${Math.round(results.wallSeconds)} s wall-clock from start to this report)
- **Command:** \`${results.command}\` (preset: ${results.preset})
- **Code:** ${results.code}; Baton ran from a copy taken at start (see bench/README.md)
- **Machine:** ${m.cpu}, ${m.memory} RAM, ${m.os}, Node ${m.node}; load average at start ${m.loadavg}
- **Systems:** ${results.targets.map((t) => t.name).join("; ")}. All bound to 127.0.0.1; client and servers share the box.
- **Baton** runs as \`node scripts/start.mjs --port N --persist-to DIR -- --var RATE_LIMIT_BURST:100000 --var RATE_LIMIT_PER_SECOND:100000 --var HANDOFF_ALERTS_PER_WINDOW:100000 --log-level warn\`: the per-socket rate limit (default burst 20, 5 frames/s) and the alert cap (20 a project an hour) are raised for every scenario so that the load generator and Slack's pace, not the limiters, are measured. Its bot is the rules engine (no LLM key).
- **Local figures run every Durable Object in one workerd process** on this machine. On Cloudflare each conversation's object runs in a data centre near its visitor, so concurrency and memory there are spread over many machines, and latency adds the network between visitor, agent and that object.

## Goals

${g.md}
${showDeployed ? `\nThe goals are ratios to the bare minimal DO relay, as set. The last column is the same ratio to the same relay deployed as Baton is, behind Workers Static Assets (\`bench/minimal-do/wrangler-assets.toml\`), measured in the same rounds: under \`wrangler dev\` every request and every socket frame of either then also passes miniflare's two asset workers, so what is left of the ratio there is Baton's own code.\n` : ""}${goals.some((goal) => !goal.met) ? "\nWhy a missed goal is missed, from the profile (`npm run profile`), and the next step for each: [bench/README.md](README.md#why-the-missed-goals-are-missed). What one conversation costs on Cloudflare: [docs/architecture.md](../docs/architecture.md#scale-on-paper).\n" : ""}
${sections.join("\n\n")}
`;
  return { table: text.join("\n\n"), markdown };
}
