// Chaos: `conversations` rooms, each with a visitor and an agent that both talk (one message in
// flight per sender, as the protocol asks when order matters). Sockets are dropped at random
// (`killsPerMinute` of them a minute, TCP reset, no close frame) and the dev server is killed and
// restarted once mid-run on the same --persist-to. Clients reconnect with `since=<last seq>` and
// resend their unacknowledged message with the same clientId. At the end a fresh socket reads each
// room's stored transcript, which must hold every sent clientId exactly once, in each sender's
// order, and each client's view (deduplicated by seq, as the widget does) must equal it.
import { connect, neutralText } from "../lib/clients.mjs";
import { percentile, rng, sleep } from "../lib/stats.mjs";

const RECONNECT_BASE_MS = 100;
const RECONNECT_MAX_MS = 1000;
const MAX_RECONNECT_ATTEMPTS = 400;

class Peer {
  constructor(target, room, role, index, random, stats) {
    Object.assign(this, { target, room, role, index, random, stats });
    this.lastSeq = 0;
    this.view = []; // {seq, from, clientId}
    this.sent = []; // clientIds in the order they were first sent
    this.pending = null; // {clientId, text}
    this.conn = null;
    this.synced = false;
    this.sending = true;
    this.stopped = false;
    this.attempts = 0;
    this.nextTimer = null;
    this.counter = 0;
    this.gen = 0;
    this.disconnectedAt = null;
    this.connectStartedAt = null;
    this.cause = null;
  }

  async open() {
    // Frames of a socket we have given up on are ignored; the current one is `this.gen`.
    const gen = ++this.gen;
    this.connectStartedAt = performance.now();
    let welcomeLastSeq = Infinity;
    let welcomed = false;
    let ready = false;
    const conn = await connect(this.target, this.room, this.role, {
      since: this.lastSeq > 0 ? this.lastSeq : undefined,
      onFrame: (frame) => {
        if (gen !== this.gen) return;
        if (frame.type === "welcome") {
          welcomed = true;
          welcomeLastSeq = frame.lastSeq;
          if (frame.lastSeq < this.lastSeq) this.stats.seqRegressions++;
        } else if (frame.type === "message" || frame.type === "note") {
          // The protocol promises `welcome` first, then the replay, then live frames.
          if (!welcomed) this.stats.framesBeforeWelcome++;
          if (frame.seq <= this.lastSeq) {
            this.stats.duplicateFrames++;
          } else {
            this.lastSeq = frame.seq;
            this.view.push({ seq: frame.seq, from: frame.from, clientId: frame.clientId });
            if (this.pending && frame.from === this.role && frame.clientId === this.pending.clientId) {
              this.pending = null;
              this.stats.acked++;
              this.scheduleNext();
            }
          }
        } else if (frame.type === "error") {
          this.stats.errorFrames.push(`${this.role}: ${frame.code} ${frame.message ?? ""}`);
        }
        if (ready && !this.synced && this.lastSeq >= welcomeLastSeq) this.onSynced();
      },
      onClose: (reason) => {
        if (gen !== this.gen) return;
        this.stats.disconnects.push({
          at: Math.round(performance.now()),
          role: this.role,
          room: this.index,
          cause: this.cause,
          code: reason.code,
          reason: reason.reason,
        });
        this.onDisconnect();
      },
    });
    if (gen !== this.gen || this.stopped) return conn.close();
    this.conn = conn;
    this.attempts = 0;
    ready = true;
    if (!this.synced && this.lastSeq >= welcomeLastSeq) this.onSynced();
  }

  onSynced() {
    this.synced = true;
    if (this.disconnectedAt !== null) {
      const resync = performance.now() - this.connectStartedAt;
      (this.cause === "restart" ? this.stats.resyncAfterRestart : this.stats.resyncAfterKill).push(resync);
      this.stats.resyncs.push({
        at: Math.round(performance.now()),
        role: this.role,
        room: this.index,
        cause: this.cause,
        ms: Math.round(resync),
        disconnectedAt: Math.round(this.disconnectedAt),
      });
      this.stats.lastResyncAt = performance.now();
      this.disconnectedAt = null;
    }
    if (this.pending) {
      this.stats.resent++;
      this.conn.send(this.frame(this.pending));
    } else this.scheduleNext();
  }

  onDisconnect() {
    this.conn = null;
    this.synced = false;
    if (this.stopped) return;
    this.disconnectedAt ??= performance.now();
    this.reconnect();
  }

  reconnect() {
    if (this.stopped) return;
    if (++this.attempts > MAX_RECONNECT_ATTEMPTS) {
      this.stats.gaveUp++;
      return;
    }
    const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** Math.min(4, this.attempts - 1)) * (0.5 + this.random());
    setTimeout(() => {
      if (this.stopped) return;
      this.open().catch(() => this.reconnect());
    }, delay);
  }

  kill(cause) {
    this.cause = cause;
    if (this.conn) {
      this.disconnectedAt = performance.now();
      this.conn.kill();
    }
  }

  frame(message) {
    return { type: `${this.role}.message`, clientId: message.clientId, text: message.text };
  }

  scheduleNext() {
    if (!this.sending || this.nextTimer) return;
    this.nextTimer = setTimeout(
      () => {
        this.nextTimer = null;
        if (!this.sending || this.pending) return;
        if (!this.synced) return; // onSynced schedules again
        const clientId = `${this.role[0]}${this.index}-${this.counter++}`;
        this.pending = { clientId, text: neutralText(this.counter + this.index) };
        this.sent.push(clientId);
        this.stats.sent++;
        this.conn.send(this.frame(this.pending));
      },
      150 + this.random() * 600,
    );
  }

  close() {
    this.stopped = true;
    this.sending = false;
    clearTimeout(this.nextTimer);
    this.conn?.close();
  }
}

/** Reads a room's whole stored transcript through a fresh agent socket (since=0). */
async function readTranscript(target, room) {
  const frames = [];
  let lastSeq = Infinity;
  let conn;
  const done = new Promise((resolve) => {
    const check = () => {
      if (frames.length > 0 ? frames.at(-1).seq >= lastSeq : lastSeq === 0) resolve();
    };
    connect(target, room, "agent", {
      onFrame(frame) {
        if (frame.type === "welcome") lastSeq = frame.lastSeq;
        else if (frame.type === "message" || frame.type === "note")
          frames.push({ seq: frame.seq, kind: frame.type, from: frame.from, clientId: frame.clientId });
        check();
      },
    }).then((c) => {
      conn = c;
      check();
    }, resolve);
  });
  await Promise.race([done, sleep(10_000)]);
  conn?.close();
  return { frames, lastSeq };
}

/** Checks one conversation; returns a list of problems (empty when it is exactly-once and in order). */
function verify(transcript, peers) {
  const problems = [];
  const seqs = transcript.frames.map((f) => f.seq);
  for (let i = 0; i < seqs.length; i++) {
    if (seqs[i] !== i + 1) {
      problems.push(`stored seqs are not 1..n (at ${i}: ${seqs[i]})`);
      break;
    }
  }
  if (transcript.frames.length !== transcript.lastSeq) problems.push(`transcript has ${transcript.frames.length} of ${transcript.lastSeq} messages`);
  for (const peer of peers) {
    const stored = transcript.frames.filter((f) => f.kind === "message" && f.from === peer.role && f.clientId).map((f) => f.clientId);
    const counts = new Map();
    for (const id of stored) counts.set(id, (counts.get(id) ?? 0) + 1);
    const missing = peer.sent.filter((id) => !counts.has(id));
    const dupes = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
    const unknown = stored.filter((id) => !peer.sent.includes(id));
    if (missing.length) problems.push(`${peer.role}: ${missing.length} sent message(s) not stored (${missing.slice(0, 3).join(", ")})`);
    if (dupes.length) problems.push(`${peer.role}: ${dupes.length} message(s) stored twice (${dupes.slice(0, 3).join(", ")})`);
    if (unknown.length) problems.push(`${peer.role}: ${unknown.length} stored message(s) never sent`);
    const order = peer.sent.filter((id) => counts.has(id));
    const storedOnce = stored.filter((id, i) => stored.indexOf(id) === i);
    if (order.join("\n") !== storedOnce.join("\n")) problems.push(`${peer.role}: stored out of send order`);
    // What this client saw must be the transcript it may see (visitors get no notes), in order,
    // nothing missing, nothing twice.
    const visible = transcript.frames.filter((f) => peer.role === "agent" || f.kind === "message");
    const view = peer.view.map((f) => `${f.seq}:${f.from}:${f.clientId ?? ""}`).join("\n");
    const expected = visible.map((f) => `${f.seq}:${f.from}:${f.clientId ?? ""}`).join("\n");
    if (view !== expected) {
      const firstDiff = peer.view.findIndex((f, i) => visible[i]?.seq !== f.seq || visible[i]?.clientId !== f.clientId);
      problems.push(`${peer.role}: view differs from transcript (view ${peer.view.length}, visible ${visible.length}, first difference at ${firstDiff})`);
    }
  }
  return problems;
}

export async function chaosRun(target, { conversations, durationMs, killsPerMinute, restart, seed, log }) {
  const random = rng(seed);
  const stats = {
    sent: 0,
    acked: 0,
    resent: 0,
    duplicateFrames: 0,
    seqRegressions: 0,
    framesBeforeWelcome: 0,
    gaveUp: 0,
    kills: 0,
    errorFrames: [],
    disconnects: [],
    resyncs: [],
    resyncAfterKill: [],
    resyncAfterRestart: [],
    lastResyncAt: 0,
  };
  const rooms = [];
  for (let i = 0; i < conversations; i++) rooms.push(await target.newRoom());
  const peers = [];
  for (const [i, room] of rooms.entries()) {
    const pair = ["visitor", "agent"].map((role) => new Peer(target, room, role, i, random, stats));
    for (const p of pair) await p.open();
    peers.push(pair);
  }
  const all = peers.flat();
  log?.(`${all.length} sockets talking; killing ${killsPerMinute}% a minute, one server restart at ${(durationMs / 2000).toFixed(0)} s`);

  const start = performance.now();
  // Each second every connected socket dies with probability killsPerMinute/100/60.
  const perTick = killsPerMinute / 100 / 60;
  const killer = setInterval(() => {
    for (const p of all) {
      if (p.conn && random() < perTick) {
        stats.kills++;
        p.kill("kill");
      }
    }
  }, 1000);

  let restartInfo = null;
  await sleep(durationMs / 2);
  if (restart) {
    const killedAt = performance.now();
    for (const p of all) p.cause = "restart";
    const { downSeconds } = await restart();
    const readyAt = performance.now();
    for (let i = 0; i < 600 && all.some((p) => !p.synced); i++) await sleep(100);
    const resyncedAt = performance.now();
    for (const p of all) if (p.cause === "restart") p.cause = "kill";
    restartInfo = {
      downSeconds,
      readyToAllResyncedMs: resyncedAt - readyAt,
      killToAllResyncedMs: resyncedAt - killedAt,
      unsynced: all.filter((p) => !p.synced).length,
    };
    log?.(`server back after ${downSeconds.toFixed(1)} s; all sockets resynced ${(restartInfo.readyToAllResyncedMs / 1000).toFixed(1)} s later`);
  }
  const remaining = durationMs - (performance.now() - start);
  if (remaining > 0) await sleep(remaining);
  clearInterval(killer);

  // Stop writing, let every pending message be acknowledged (bounded), then let bot replies land.
  for (const p of all) p.sending = false;
  for (let i = 0; i < 300 && all.some((p) => p.pending || !p.synced); i++) await sleep(100);
  const stuck = all.filter((p) => p.pending || !p.synced).length;
  await sleep(1000);

  const transcripts = [];
  for (const room of rooms) transcripts.push(await readTranscript(target, room));
  // Give each live client a bounded moment to catch up with the final transcript.
  for (let i = 0; i < 50; i++) {
    if (peers.every((pair, k) => pair.every((p) => p.lastSeq >= transcripts[k].lastSeq))) break;
    await sleep(100);
  }
  for (const p of all) p.close();

  const failures = [];
  let passed = 0;
  let storedMessages = 0;
  peers.forEach((pair, k) => {
    storedMessages += transcripts[k].frames.length;
    const problems = verify(transcripts[k], pair);
    if (problems.length === 0) passed++;
    else failures.push(`${rooms[k].id}: ${problems.join("; ")}`);
  });
  return {
    conversations,
    sockets: all.length,
    passed,
    passRate: passed / conversations,
    failures,
    storedMessages,
    stuck,
    restart: restartInfo,
    ...stats,
    resyncKillP50: percentile(stats.resyncAfterKill, 50),
    resyncKillP99: percentile(stats.resyncAfterKill, 99),
    resyncRestartP50: percentile(stats.resyncAfterRestart, 50),
    resyncRestartP99: percentile(stats.resyncAfterRestart, 99),
  };
}
