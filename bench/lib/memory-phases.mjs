// Memory by phase, shared by `npm run profile -- --kind memory` (Baton) and
// bench/probes/relay-memory.mjs (the minimal relay, bare and behind Static Assets): the runtime's
// RSS after each step of making N conversations, each read after a full GC (through the
// inspector) and a short settle, so the isolate's garbage is not in it. What a step adds, per
// conversation, is what that step holds outside the JS heap (SQLite, sockets, the runtime's
// own per-request and per-object state) plus its live heap.
import { connect } from "./clients.mjs";
import { rssBytes } from "./proc.mjs";
import { visitorQuestion } from "./questions.mjs";

/**
 * Runs `steps` in order ([label, async () => void]); `collect()` forces a full GC; `heapUsed()`,
 * if given, reads the isolate's live heap after it. Returns [{label, kbPerRoom, totalKbPerRoom,
 * heapKbPerRoom}]: what the step added to the RSS, the RSS total so far, and what it added to the
 * live JS heap (the rest is SQLite, sockets and the runtime's own), per room. `afterStep(label)`,
 * if given, runs after each step's reading (a heap snapshot, say: its own allocations then land
 * in the next step's RSS).
 */
export async function memoryPhases({ pid, rooms, collect, steps, settleMs = 1500, heapUsed, afterStep }) {
  const read = async () => {
    await collect();
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    return { rss: rssBytes(pid), heap: heapUsed ? await heapUsed() : NaN };
  };
  const start = await read();
  let last = start;
  const out = [];
  const perRoom = (bytes) => bytes / rooms / 1024;
  for (const [label, run] of steps) {
    await run();
    const now = await read();
    out.push({ label, kbPerRoom: perRoom(now.rss - last.rss), totalKbPerRoom: perRoom(now.rss - start.rss), heapKbPerRoom: perRoom(now.heap - last.heap) });
    await afterStep?.(label);
    last = afterStep ? await read() : now;
  }
  return out;
}

/**
 * The isolate's warm-up before the steps, unmeasured and the same for every system: `rooms` rooms,
 * each with an agent and a visitor socket, and `messages` visitor messages each, every one awaited
 * (`answered(frame)` says when). Without it the first measured message also carries the JIT's code
 * for the whole message path, compiled once for the isolate but spread over that step's rooms
 * (bench/README.md, seventh pass).
 */
export async function warmMessagePath(target, { answered, rooms = 5, messages = 40 }) {
  let sent = 0;
  for (let r = 0; r < rooms; r++) {
    const room = await target.newRoom();
    let done = () => {};
    const agent = await connect(target, room, "agent");
    const visitor = await connect(target, room, "visitor", { onFrame: (frame) => answered(frame) && done() });
    for (let i = 0; i < messages; i++) {
      const turn = new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`warm-up: message ${sent} got no answer within 5 s`)), 5000);
        done = () => resolve(clearTimeout(timer));
      });
      visitor.send({ type: "visitor.message", clientId: `warm-${sent}`, text: visitorQuestion(sent++) });
      await turn;
    }
    agent.close();
    visitor.close();
  }
}

/**
 * The conversation-making steps every system shares: `requests` plain HTTP requests per room
 * (the runtime's own cost of a request, with no room behind it), the agent's socket, the
 * visitor's socket (each waits for its `welcome`), then two visitor messages in turn (answered, for Baton:
 * `answered(frame)` says when). `rooms` are made by `makeRooms` (Baton: two API calls each).
 */
export function conversationSteps({ target, count, plainRequest, makeRooms, answered }) {
  let rooms = [];
  const visitors = [];
  /** Each visitor's wait for the answer to its message in flight. */
  const pending = [];
  /** Every visitor sends one message (the n-th of the conversation) and the step waits for every answer. */
  const messageStep = (n) => async () => {
    const waits = visitors.map((_, i) => new Promise((resolve) => (pending[i] = resolve)));
    for (const [i, visitor] of visitors.entries()) visitor.send({ type: "visitor.message", clientId: `m${n}-${i}`, text: visitorQuestion(i + n) });
    await Promise.all(waits);
  };
  return [
    [
      "a plain HTTP request (GET, no room)",
      async () => {
        for (let i = 0; i < count; i++) await plainRequest();
      },
    ],
    ...makeRooms((made) => (rooms = made)),
    [
      "the agent's socket (the first: the room's object starts)",
      async () => {
        for (const room of rooms) await connect(target, room, "agent");
      },
    ],
    [
      "the visitor's socket",
      async () => {
        for (const room of rooms) {
          const i = visitors.length;
          visitors.push(await connect(target, room, "visitor", { onFrame: (frame) => answered(frame) && pending[i]?.() }));
        }
      },
    ],
    // The second apart from the first: what the first leaves once (statements prepared, lazy reads) against a message's own cost.
    ["one visitor message (and its answer)", messageStep(0)],
    ["a second visitor message (and its answer)", messageStep(1)],
  ];
}

/** The phases as a Markdown table, one column per system. */
export function phasesTable(systems) {
  const labels = [...new Set(Object.values(systems).flatMap((phases) => phases.map((p) => p.label)))];
  const names = Object.keys(systems);
  const head = `| step (KB per conversation, after a full GC) | ${names.join(" | ")} |\n| --- | ${names.map(() => "---:").join(" | ")} |`;
  const cell = (p) => (p === undefined ? "" : Number.isFinite(p.heapKbPerRoom) ? `${fmt(p.kbPerRoom)} (JS ${fmt(p.heapKbPerRoom)})` : fmt(p.kbPerRoom));
  const rows = labels.map((label) => `| ${label} | ${names.map((n) => cell(systems[n].find((p) => p.label === label))).join(" | ")} |`);
  const total = `| **total** | ${names.map((n) => fmt(systems[n].at(-1)?.totalKbPerRoom)).join(" | ")} |`;
  return [head, ...rows, total].join("\n");
}

const fmt = (kb) => (kb === undefined ? "" : kb.toFixed(0));
