// Cold wake: how long a visitor waits for a room whose object is not in memory. `prepareColdWake`
// creates `rooms` rooms, sends one message in each (so each has an object and stored rows) and
// times a warm reconnect as the reference; the caller then restarts the runtime (which evicts every
// object); `measureColdWake` opens one socket per room, one room at a time, and times open ->
// first frame (`welcome`) and open -> the echo of a message sent right after it.
import { connect } from "../lib/clients.mjs";
import { pool } from "../lib/stats.mjs";

const STEP_TIMEOUT_MS = 10_000;
const TEXT = "what does your company do?";

/**
 * Opens a visitor socket, sends one message and resolves with the socket's times (ms from the
 * start of the open): `welcome` (first frame) and `echo`; for Baton it also waits for the bot's
 * reply, so no turn is still owed when the object goes away.
 */
async function visit(target, room, clientId) {
  const t0 = performance.now();
  let firstFrameAt;
  let echoedAt;
  let echoed;
  let botReplied;
  const echo = new Promise((resolve) => (echoed = resolve));
  const bot = new Promise((resolve) => (botReplied = resolve));
  const socket = await connect(target, room, "visitor", {
    onFrame(frame, at) {
      firstFrameAt ??= at;
      if (frame.type !== "message") return;
      if (frame.from === "visitor" && frame.clientId === clientId) echoedAt = at;
      // A replay of the room's earlier bot replies comes before the echo; the answer after it.
      else if (frame.from === "bot" && echoedAt !== undefined) botReplied();
      if (echoedAt !== undefined) echoed(echoedAt);
    },
  });
  const welcomeMs = firstFrameAt - t0;
  socket.send({ type: "visitor.message", clientId, text: TEXT });
  let timer;
  const timeout = new Promise((resolve) => (timer = setTimeout(resolve, STEP_TIMEOUT_MS, null)));
  const echoAt = await Promise.race([echo, timeout]);
  if (target.bot && echoAt !== null) await Promise.race([bot, timeout]);
  clearTimeout(timer);
  socket.close();
  return { welcomeMs, echoMs: echoAt === null ? NaN : echoAt - t0 };
}

export async function prepareColdWake(target, { rooms }) {
  const list = await pool([...Array(rooms).keys()], 8, async (i) => {
    const room = await target.newRoom();
    await visit(target, room, `wake-seed-${i}`);
    return room;
  });
  // The reference: the same open -> welcome with the object still in memory, one room at a time.
  const warm = [];
  for (const [i, room] of list.entries()) warm.push(await visit(target, room, `wake-warm-${i}`));
  return { rooms: list, warm };
}

export async function measureColdWake(target, prepared) {
  const cold = [];
  let failed = 0;
  for (const [i, room] of prepared.rooms.entries()) {
    try {
      cold.push(await visit(target, room, `wake-cold-${i}`));
    } catch {
      failed++;
    }
  }
  return { warm: prepared.warm, cold, failed };
}
