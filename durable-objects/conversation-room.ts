// One ConversationRoom per conversation: the single writer of its transcript, state and handoff,
// and the holder of its visitor and agent sockets (hibernation API, via partyserver). A thin shell:
// decode -> domain transition -> commit -> run effects. The rules live in domain/.
import { Server, type Connection, type ConnectionContext, type WSMessage } from "partyserver";
import { createRoom, transition } from "../domain/room/transition";
import { frameOf, handoffFrame } from "../domain/room/room-messages";
import type { Effect, NewRoom, RoomEvent } from "../domain/room/room-types";
import type { StoredMessage } from "../domain/transcript";
import type { Agent } from "../domain/handoff/handoff-types";
import type { HandoffCommand } from "../domain/handoff/machine";
import { timersFor } from "../domain/handoff/timers";
import type { CommandOutcome } from "../domain/room/room-types";
import { takeToken, type Bucket } from "../domain/room/rate-limit";
import type { Settings } from "../domain/settings";
import { rateLimitFor } from "../adapters/config";
import { CloseCode, decodeClientFrame, PROTOCOL_VERSION, type Role, type RoomFrame } from "../protocol/frames";
import { randomToken } from "../adapters/crypto";
import type { Env } from "../worker/env";
import { rulesEngine, type BotEngine } from "../adapters/llm/engine";
import { engineFor } from "../adapters/llm/openai";
import { RoomSettings } from "./room-settings";
import { authorKey, RoomStorage } from "./room-storage";
import { performSync } from "./sync";

/** Verified by the worker before the upgrade and handed over in this header. */
export const CLAIMS_HEADER = "x-baton-claims";
const TRANSCRIPT_CONTEXT = 40;

interface SocketState {
  role: Role;
  agent?: { id: string; name: string };
  bucket?: Bucket;
}

export class ConversationRoom extends Server<Env> {
  static override options = { hibernate: true };
  private store!: RoomStorage;
  private roomSettings!: RoomSettings;
  private engine!: BotEngine;

  override onStart(): void {
    this.store = new RoomStorage(this.ctx.storage);
    this.roomSettings = new RoomSettings(this.store, this.env.DB);
    this.engine = engineFor(this.env);
  }

  /** RPC from the worker when the conversation is created. Idempotent. */
  async init(input: NewRoom & { settings: Settings }): Promise<void> {
    if (this.store.loadState()) return;
    this.roomSettings.prime(input.settings);
    this.store.commit(createRoom(input, new Date()), []);
  }

  /** RPC: the transcript as an agent sees it (notes included). */
  async transcript(): Promise<StoredMessage[]> {
    return this.store.messagesSince(0, true);
  }

  /** RPC: an operator or system command on this conversation's handoff. */
  async command(handoffId: string, command: HandoffCommand): Promise<CommandOutcome> {
    return (await this.dispatch({ type: "handoff.command", handoffId, command })) ?? { ok: false, code: "not_found", message: "No such conversation." };
  }

  /** RPC: the claimer writes to the visitor over HTTP; a resend of the same clientId is stored once. */
  async agentMessage(handoffId: string, agent: Agent, text: string, clientId: string): Promise<CommandOutcome> {
    const handoff = this.store.loadState()?.handoff;
    if (!handoff || handoff.id !== handoffId) return { ok: false, code: "not_found", message: "No such handoff in this conversation." };
    if (this.store.findByClientId(authorKey({ from: "agent", author: agent }), clientId)) return { ok: true, handoff };
    const outcome = await this.dispatch({ type: "agent.message", clientId, text, agent, requireClaim: true });
    return outcome ?? { ok: false, code: "invalid_transition", message: "This handoff is closed." };
  }

  /** RPC: an agent opens a handoff by hand. */
  async openHandoff(agent: Agent, reason: string): Promise<CommandOutcome> {
    return (await this.dispatch({ type: "handoff.manual", agent, reason })) ?? { ok: false, code: "not_found", message: "No such conversation." };
  }

  /** The room's clock; every decision reads time here and nowhere else. */
  protected now(): Date {
    return new Date();
  }

  override getConnectionTags(_connection: Connection, ctx: ConnectionContext): string[] {
    const claims = JSON.parse(ctx.request.headers.get(CLAIMS_HEADER) ?? "{}") as { role?: Role; agentId?: string };
    return [claims.role ?? "visitor", ...(claims.agentId ? [`agent:${claims.agentId}`] : [])];
  }

  override async onConnect(connection: Connection<SocketState>, ctx: ConnectionContext): Promise<void> {
    const claims = JSON.parse(ctx.request.headers.get(CLAIMS_HEADER) ?? "{}") as { role?: Role; agentId?: string; agentName?: string };
    const state = this.store.loadState();
    if (!state || (claims.role !== "visitor" && claims.role !== "agent")) {
      connection.close(CloseCode.unauthorized, "unknown conversation");
      return;
    }
    const role = claims.role;
    connection.setState({ role, ...(role === "agent" ? { agent: { id: claims.agentId ?? "", name: claims.agentName ?? "" } } : {}) });
    const since = Math.max(0, Number(new URL(ctx.request.url).searchParams.get("since") ?? 0) || 0);
    // No await before the replay: a live frame must never reach this socket ahead of its welcome.
    const { botName, greeting } = this.roomSettings.peek();
    this.sendTo(connection, {
      type: "welcome",
      protocol: PROTOCOL_VERSION,
      conversationId: state.conversationId,
      role,
      lastSeq: state.lastSeq,
      bot: { name: botName, greeting },
    });
    for (const message of this.store.messagesSince(since, role === "agent")) this.sendTo(connection, frameOf(message));
    if (state.handoff) this.sendTo(connection, handoffFrame(state.handoff));
    if (role === "visitor" && state.handoff?.visitorLeftAt) await this.dispatch({ type: "visitor.presence", present: true });
  }

  override async onClose(connection: Connection<SocketState>): Promise<void> {
    if (connection.state?.role !== "visitor") return;
    const othersOpen = [...this.getConnections("visitor")].some((c) => c.id !== connection.id);
    if (!othersOpen) await this.dispatch({ type: "visitor.presence", present: false });
  }

  override async onMessage(connection: Connection<SocketState>, raw: WSMessage): Promise<void> {
    const socket = connection.state;
    if (!socket) return;
    const taken = takeToken(socket.bucket, Date.now(), rateLimitFor(this.env));
    connection.setState({ ...socket, bucket: taken.bucket });
    if (!taken.allowed) {
      this.sendTo(connection, { type: "error", code: "rate_limited", message: "Too many messages; slow down." });
      if (taken.abusive) connection.close(CloseCode.abusive, "rate limit exceeded");
      return;
    }
    const decoded = decodeClientFrame(socket.role, raw);
    if (!decoded.ok) {
      const { code, message, clientId } = decoded;
      return this.sendTo(connection, { type: "error", code, message, ...(clientId ? { clientId } : {}) });
    }
    const frame = decoded.frame;
    if (frame.type === "ping") return this.sendTo(connection, { type: "pong" });

    const author = frame.type === "visitor.message" ? undefined : socket.agent;
    if (frame.clientId !== undefined) {
      const from = frame.type === "visitor.message" ? "visitor" : "agent";
      const existing = this.store.findByClientId(authorKey({ from, ...(author ? { author } : {}) }), frame.clientId);
      // A resend after a lost ack: answer the sender with what was stored, store nothing.
      if (existing) return this.sendTo(connection, frameOf(existing));
    }
    const event: RoomEvent =
      frame.type === "visitor.message"
        ? { type: "visitor.message", clientId: frame.clientId, text: frame.text }
        : frame.type === "agent.message"
          ? { type: "agent.message", clientId: frame.clientId, text: frame.text, agent: author! }
          : { type: "agent.note", text: frame.text, agent: author!, ...(frame.clientId ? { clientId: frame.clientId } : {}) };
    try {
      const outcome = await this.dispatch(event);
      if (outcome && !outcome.ok) {
        const code = outcome.code === "not_claimer" || outcome.code === "already_claimed" ? outcome.code : "invalid_transition";
        this.sendTo(connection, { type: "error", code, message: outcome.message, ...(frame.clientId ? { clientId: frame.clientId } : {}) });
      }
    } catch (error) {
      // The frame was either committed whole or not at all; the client may resend its clientId.
      console.error("dispatch failed", error);
      this.sendTo(connection, {
        type: "error",
        code: "internal",
        message: "The message could not be processed; please resend it.",
        ...(frame.clientId ? { clientId: frame.clientId } : {}),
      });
    }
  }

  /** Loads state, runs the domain transition, commits, then performs the effects. */
  private async dispatch(event: RoomEvent): Promise<CommandOutcome | undefined> {
    const settings = await this.roomSettings.get();
    const state = this.store.loadState(); // read after the await: another event may have run meanwhile
    if (!state) return undefined;
    const now = this.now();
    const store = this.store;
    let transcript: StoredMessage[] | undefined;
    const {
      state: next,
      effects,
      outcome,
    } = transition(state, event, {
      now,
      newId: (prefix) => randomToken(prefix, 12),
      settings,
      hasChannel: this.env.BATON_ENV !== "production",
      agentsOnline: [...this.getConnections("agent")].length,
      engineWritesReplies: this.engine !== rulesEngine,
      // Read only if the rules ask for it (a packet, a resource pick): most messages never do.
      get transcript() {
        return (transcript ??= store.recentTranscript(TRANSCRIPT_CONTEXT));
      },
    });
    if (next === state && effects.length === 0) return outcome; // a no-op event: nothing to commit
    const appended = effects.flatMap((e) => (e.type === "append" ? [e.message] : []));
    const syncs = effects.flatMap((e) => (e.type === "sync" ? [e.op] : []));
    // Timers are rows derived from the handoff, rewritten with every commit; one alarm serves them all.
    const timers = next.handoff ? timersFor(next.handoff, settings) : state.handoff ? [] : undefined; // untouched without a handoff
    this.store.commit(next, appended, syncs, timers);
    for (const effect of effects) await this.run(effect);
    await this.armAlarm();
    if (syncs.length > 0) await this.flushSyncs();
    return outcome;
  }

  /** Points the one alarm at the earliest timer row (skipped when it already does). */
  private async armAlarm(): Promise<void> {
    const next = this.store.nextTimer();
    if (next === this.armedFor) return;
    if (next === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(next);
    this.armedFor = next;
  }

  /** What the alarm was last set to by this instance (undefined after a wake: set it once). */
  private armedFor: number | null | undefined;

  private async run(effect: Effect): Promise<void> {
    switch (effect.type) {
      case "append":
      case "sync":
        return; // committed in dispatch, before anything was sent
      case "broadcast": {
        const payload = JSON.stringify(effect.frame);
        const sockets = effect.to === "everyone" ? this.getConnections() : this.getConnections("agent");
        for (const c of sockets) this.sendTo(c, payload);
        return;
      }
      case "analyze": {
        // Commit the visitor's message now, so its frames leave before the bot's work (workerd holds
        // outgoing frames until the turn's writes are durable).
        await this.ctx.storage.sync();
        const hints = await this.engine.classify({ text: effect.text, transcript: this.engineTranscript(), settings: await this.roomSettings.get() });
        await this.dispatch({ type: "visitor.analyzed", seq: effect.seq, text: effect.text, hints });
        return;
      }
      case "summarize": {
        const summary = await this.engine.summarize({ transcript: this.store.recentTranscript(50), reason: effect.reason, rulesSummary: effect.rulesSummary });
        await this.dispatch({ type: "handoff.summarized", handoffId: effect.handoffId, summary });
        return;
      }
      case "bot-turn": {
        const settings = await this.roomSettings.get();
        const reply = await this.engine.reply({ text: effect.text, transcript: this.engineTranscript(), settings });
        const event: RoomEvent = {
          type: "bot.reply",
          reply,
          inReplyTo: effect.seq,
          question: effect.text,
          ...(effect.append ? { append: effect.append } : {}),
        };
        await this.dispatch(event);
        return;
      }
      default:
        return effect satisfies never;
    }
  }

  /** The context an engine sees; the rules engine reads none, so none is loaded for it. */
  private engineTranscript(): StoredMessage[] {
    return this.engine.usesTranscript ? this.store.recentTranscript(50) : [];
  }

  /** Performs queued outside writes in order; a failure stops the run and retries on the alarm. */
  private async flushSyncs(): Promise<void> {
    for (const pending of this.store.pendingSyncs()) {
      try {
        await performSync(this.env, pending.op);
        this.store.syncDone(pending.id);
      } catch (error) {
        this.store.syncFailed(pending.id, String(error));
        this.store.setSyncRetry(new Date(Date.now() + Math.min(60_000, 1000 * 2 ** pending.attempts)).toISOString());
        return this.armAlarm();
      }
    }
    this.store.setSyncRetry(null);
  }

  /** The one alarm: due handoff timers fire (idempotently), then any failed outside write is retried. */
  override async onAlarm(): Promise<void> {
    this.armedFor = undefined; // the alarm that rang is spent
    await this.dispatch({ type: "timers.fire" });
    await this.flushSyncs();
    await this.armAlarm();
  }

  /** Sends to one socket; a socket that closed meanwhile just misses it (it resumes by seq). */
  private sendTo(connection: Connection, frame: RoomFrame | string): void {
    try {
      connection.send(typeof frame === "string" ? frame : JSON.stringify(frame));
    } catch {
      // closed between our read of the connection list and this send
    }
  }

  override onError(connection: Connection, error: unknown): void {
    console.error("socket error", connection.id, error);
  }
}
