// Reproduces a socket receiving live frames before its `welcome` (and so losing replayed messages
// to seq deduplication) when a room's onConnect awaits while other events run. Against a running
// Baton: node bench/probes/welcome-race.mjs --port 8787 [--rooms 10] [--idle 31]
// --idle must exceed the room's settings cache TTL (30 s), so that onConnect awaits D1.
import { batonTarget, benchText, connect } from "../lib/clients.mjs";

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
};
const target = batonTarget(`127.0.0.1:${arg("--port", "8787")}`, null);
const roomCount = Math.min(50, Number(arg("--rooms", "10")));
const idleSeconds = Math.min(120, Number(arg("--idle", "31")));

const rooms = [];
for (let i = 0; i < roomCount; i++) rooms.push(await target.newRoom());
const agents = await Promise.all(rooms.map((room) => connect(target, room, "agent")));
// One stored message per room: a visitor opening with since=0 must get it in the replay.
agents.forEach((agent, i) => {
  agent.send({ type: "agent.message", clientId: `prime-${i}`, text: "first message" });
});
console.log(`waiting ${idleSeconds} s for the rooms' settings cache to go stale…`);
await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));

let early = 0;
let lossy = 0;
await Promise.all(
  rooms.map(async (room, i) => {
    let welcomed = false;
    let sawEarly = false;
    let lastSeq = 0;
    const view = [];
    const opening = connect(target, room, "visitor", {
      since: 0,
      onFrame(frame) {
        if (frame.type === "welcome") welcomed = true;
        if (frame.type !== "message") return;
        if (!welcomed) sawEarly = true;
        if (frame.seq > lastSeq) view.push((lastSeq = frame.seq));
      },
    });
    // The agent writes while the visitor's upgrade is being handled (within the default burst of 20).
    for (let k = 0; k < 15; k++) {
      agents[i].send({ type: "agent.message", clientId: `race-${i}-${k}`, text: benchText(50) });
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const visitor = await opening;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    visitor.close();
    if (sawEarly) early++;
    if (view[0] !== 1 || view.some((seq, k) => seq !== k + 1)) lossy++;
  }),
);
for (const agent of agents) agent.close();
console.log(
  `${roomCount} rooms: live frames before welcome in ${early}; seq 1 (or another replayed message) missing from the visitor's deduplicated view in ${lossy}`,
);
process.exit(early > 0 ? 1 : 0);
