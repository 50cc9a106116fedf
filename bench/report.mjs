// Turns one bench run's numbers into the console table and bench/RESULTS.md: medians over runs,
// ratios paired within each round (same minute, same noise), and each goal met or missed by how much.
import { COMPETITORS } from "./scenarios/widget.mjs";
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
const x = (v) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : "–");

export function renderReport(results) {
  const sections = [];
  const text = [];
  const goals = [];
  const names = Object.fromEntries(results.targets.map((t) => [t.key, t.name]));
  const goal = (what, target, measured, met, by) => goals.push({ what, target, measured, met, by });

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

  if (results.latency) {
    const L = results.latency;
    const keys = Object.keys(L);
    const rows = keys.map((k) => [
      names[k],
      ms(med(L[k].runs, (r) => r.p50)),
      ms(med(L[k].runs, (r) => r.p90)),
      ms(med(L[k].runs, (r) => r.p99)),
      L.baton && k !== "baton" ? x(pairedRatio(L.baton.runs, L[k].runs, (r) => r.p50)) : "",
      L.baton && k !== "baton" ? x(pairedRatio(L.baton.runs, L[k].runs, (r) => r.p99)) : "",
      String(L[k].timeouts + (L[k].botMissing ? ` (+${L[k].botMissing} bot)` : "")),
    ]);
    const t = table(["Relay latency visitor→agent (ms)", "p50", "p90", "p99", "Baton/this p50", "Baton/this p99", "timeouts"], rows);
    const cfg = results.presetConfig.latency;
    sections.push(
      `## Relay latency\n\n${t.md}\n\nOne visitor→agent pair per system, one message in flight (the next is sent when the agent has the message, the visitor has its ack and, for Baton, the bot's reply has arrived), 200-byte text, ${cfg.warmup} warm-up messages then ${cfg.count} measured, in a fresh room; ${cfg.runs} rounds with the systems in rotating order. Each percentile is the median over the rounds; each ratio is the median of the per-round ratios.`,
    );
    text.push(`RELAY LATENCY (median of ${cfg.runs} rounds)\n${t.text}`);
    if (L.baton && L["minimal-do"]) {
      const r50 = pairedRatio(L.baton.runs, L["minimal-do"].runs, (r) => r.p50);
      const r99 = pairedRatio(L.baton.runs, L["minimal-do"].runs, (r) => r.p99);
      const over = (r, limit, p) =>
        `missed by ${((r / limit - 1) * 100).toFixed(0)}%: Baton ${ms(med(L.baton.runs, (q) => q[p]))} ms vs minimal DO ${ms(med(L["minimal-do"].runs, (q) => q[p]))} ms`;
      goal("Latency p50 ≤ 1.5× minimal DO relay", "≤ 1.50×", x(r50), r50 <= 1.5, r50 <= 1.5 ? "" : over(r50, 1.5, "p50"));
      goal("Latency p99 ≤ 2× minimal DO relay", "≤ 2.00×", x(r99), r99 <= 2, r99 <= 2 ? "" : over(r99, 2, "p99"));
    }
  }

  if (results.throughput) {
    const T = results.throughput;
    const keys = Object.keys(T);
    const rows = keys.map((k) => [
      names[k],
      int(med(T[k].runs, (r) => r.perSecond)),
      ms(med(T[k].runs, (r) => r.latency.p50)),
      ms(med(T[k].runs, (r) => r.latency.p99)),
      int(med(T[k].runs, (r) => r.cpuPerMessageUs)),
      `${Math.round(med(T[k].runs, (r) => r.serverCpuShare) * 100)}%`,
      String(T[k].runs.reduce((s, r) => s + r.errors + r.duplicates + r.lost, 0)),
    ]);
    const t = table(["Throughput, one room", "msg/s", "p50 ms", "p99 ms", "server CPU µs/msg", "server CPU", "errors+dupes+lost"], rows);
    const cfg = results.presetConfig.throughput;
    sections.push(
      `## Throughput of one room\n\n${t.md}\n\nOne room, ${cfg.senders} agent sockets each keeping ${cfg.window} messages in flight (pipelined; ${cfg.senders * cfg.window} in flight in all, closed loop), plus one visitor socket that receives everything; every message is stored (except by the \`ws\` relay) and sent to all ${cfg.senders + 1} sockets of the room. Agent messages, so Baton runs no bot turn here (a visitor message costs a second stored message, the bot's). ${cfg.warmupMs / 1000} s warm-up, ${cfg.measureMs / 1000} s measured, ${cfg.runs} rounds, medians. msg/s counts messages delivered to the visitor; latency is send→visitor; server CPU is user+system time of the server's processes (workerd + wrangler for the DO systems) per delivered message and as a share of one core.`,
    );
    text.push(`THROUGHPUT (median of ${cfg.runs} rounds)\n${t.text}`);
    if (T.baton) {
      const v = med(T.baton.runs, (r) => r.perSecond);
      goal(
        "Throughput ≥ 1,000 msg/s in one room",
        "≥ 1,000",
        `${int(v)} msg/s`,
        v >= 1000,
        v >= 1000 ? `${x(v / 1000)} the goal` : `missed by ${int(1000 - v)} msg/s (${((1 - v / 1000) * 100).toFixed(0)}%)`,
      );
    }
  }

  if (results.concurrency) {
    const C = results.concurrency;
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
      ms(c.latency.p50),
      ms(c.latency.p99),
      ms(median(c.windowP99)),
      `${(c.rssIdle / 2 ** 20).toFixed(0)} → ${(c.rssPeak / 2 ** 20).toFixed(0)} MB`,
      perSocket(c.bytesPerSocket),
      Number.isFinite(c.proxyBytesPerSocket) ? perSocket(c.proxyBytesPerSocket) : "–",
    ]);
    const t = table(
      [
        "Concurrency",
        "sockets",
        "messages",
        "errors",
        "p50 ms",
        "p99 ms",
        "p99 median of windows",
        "server RSS idle → peak",
        "RSS per socket",
        "+ wrangler proxy per socket",
      ],
      rows,
    );
    const cfg = results.presetConfig.concurrency;
    sections.push(
      `## Concurrency\n\n${t.md}\n\n${int(cfg.conversations)} conversations × (visitor + agent) sockets held open; each visitor sends a 200-byte message every ${cfg.intervalMs / 1000} s (staggered evenly) for ${cfg.durationMs / 1000} s; latency is visitor→agent. Errors count failed room creations and connections, error frames, unexpected closes, failed sends and messages not delivered within 10 s. "p99 median of windows" is the median of the p99 of ${cfg.windows} equal time windows (the run is one long run, so its windows are its repeats). RSS is the server process (workerd for Baton and the minimal DO; node for the others) from /proc, before the rooms were created and at its peak with every socket open; per socket = (peak − idle) / sockets, so for the DO systems it includes the Durable Object instance of each room. Under \`wrangler dev\` every socket also passes through a second workerd process (a proxy that owns the public port and does not exist on Cloudflare); its growth is shown apart.`,
    );
    text.push(`CONCURRENCY\n${t.text}`);
    if (C.baton) {
      const c = C.baton;
      goal("Concurrency errors = 0", "0", String(c.errorTotal), c.errorTotal === 0, c.errorTotal === 0 ? "" : `missed by ${c.errorTotal} error(s)`);
      goal(
        "Concurrency p99 < 50 ms",
        "< 50 ms",
        `${ms(c.latency.p99)} ms`,
        c.latency.p99 < 50,
        c.latency.p99 < 50 ? "" : `missed by ${ms(c.latency.p99 - 50)} ms (${x(c.latency.p99 / 50)} the limit)`,
      );
    }
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

  const g = table(
    ["Goal", "target", "measured", "status"],
    goals.map((goal) => [goal.what, goal.target, goal.measured, goal.met ? `met${goal.by ? ` (${goal.by})` : ""}` : `**MISSED**, ${goal.by}`]),
  );
  text.push(`GOALS\n${g.text}`);

  const m = results.machine;
  const markdown = `# Baton benchmarks

Written by \`npm run bench\` (bench/run.mjs). Ratios measured in the same run are what count: the
machine is shared and noisy, absolute figures move from run to run.

- **Date:** ${results.startedAt.toISOString()} (took ${(results.wallSeconds / 60).toFixed(1)} min)
- **Command:** \`${results.command}\` (preset: ${results.preset})
- **Code:** ${results.code}; Baton ran from a copy taken at start (see bench/README.md)
- **Machine:** ${m.cpu}, ${m.memory} RAM, ${m.os}, Node ${m.node}; load average at start ${m.loadavg}
- **Systems:** ${results.targets.map((t) => t.name).join("; ")}. All bound to 127.0.0.1; client and servers share the box.
- **Baton** runs as \`node scripts/start.mjs --port N --persist-to DIR -- --var RATE_LIMIT_BURST:100000 --var RATE_LIMIT_PER_SECOND:100000 --log-level warn\`: the per-socket rate limit (default burst 20, 5 frames/s) is raised for every scenario so that the load generator, not the limiter, is measured. Its bot is the rules engine (no LLM key).
- **Local figures run every Durable Object in one workerd process** on this machine. On Cloudflare each conversation's object runs in a data centre near its visitor, so concurrency and memory there are spread over many machines, and latency adds the network between visitor, agent and that object.

## Goals

${g.md}

${sections.join("\n\n")}
`;
  return { table: text.join("\n\n"), markdown };
}
