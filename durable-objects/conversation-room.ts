// One ConversationRoom per conversation: the single writer of its transcript, state and handoff,
// and the holder of its visitor and agent sockets (hibernation API, via partyserver). A thin shell:
// decode -> domain transition -> commit -> run effects. The rules live in domain/.
import { Server, type Connection, type ConnectionContext, type WSMessage } from "partyserver";
import { rateLimitFor } from "../adapters/config";
import { randomToken } from "../adapters/crypto";
import { rulesEngine, type BotEngine } from "../adapters/llm/engine";
import { engineFor } from "../adapters/llm/openai";
import { timersFor } from "../domain/handoff/timers";
import type { Agent } from "../domain/handoff/handoff-types";
import type { HandoffCommand } from "../domain/handoff/machine";
import { frameOf, handoffFrame, welcomeFrame } from "../domain/room/room-messages";
import type { CommandOutcome, Effect, NewRoom, RoomContext, RoomEvent } from "../domain/room/room-types";
import { createRoom, transition } from "../domain/room/transition";
import type { Settings } from "../domain/settings";
import type { StoredMessage } from "../domain/transcript";
import { CloseCode, type RoomFrame } from "../protocol/frames";
import type { Env } from "../worker/env";
import { askEngine } from "./engine-turns";
import { RoomSettings } from "./room-settings";
import { authorKey, RoomStorage } from "./room-storage";
import { readClaims, socketStateFor, tagsFor, type SocketState } from "./socket-claims";
import { admitFrame, eventForFrame, rejectionFrame } from "./socket-input";
import { flushSyncs } from "./sync";

const TRANSCRIPT_CONTEXT = 40;
const ENGINE_TRANSCRIPT = 50;
const NO_CONVERSATION: CommandOutcome = { ok: false, code: "not_found", message: "No such conversation." };

export class ConversationRoom extends Server<Env> {
  static override options = { hibernate: true };
  private store!: RoomStorage;
  private roomSettings!: RoomSettings;
  private engine!: BotEngine;
  /** What the alarm was last set to by this instance (undefined after a wake: set it once). */
  private armedFor: number | null | undefined;

  override onStart(): void {
    this.store = new RoomStorage(this.ctx.storage);
    this.roomSettings = new RoomSettings(this.store, this.env);
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
    return (await this.dispatch({ type: "handoff.command", handoffId, command })) ?? NO_CONVERSATION;
  }

  /** RPC: the claimer writes to the visitor over HTTP; a resend of the same clientId is stored once. */
  async agentMessage(handoffId: string, agent: Agent, text: string, clientId: string): Promise<CommandOutcome> {
    const handoff = this.store.loadState()?.handoff;
    if (!handoff || handoff.id !== handoffId) return { ok: false, code: "not_found", message: "No such handoff in this conversation." };
    if (this.store.findByClientId(authorKey({ from: "agent", author: agent }), clientId)) return { ok: true, handoff };
    const outcome = await this.dispatch({ type: "agent.message", clientId, text, agent, requireClaim: true });
    return outcome ?? { ok: false, code: "invalid_transition", message: "This handoff is closed." };
  }

  /** RPC: an agent answers the handoff's ticket (emailed to the visitor, stored in the transcript); a resend of its clientId is stored once. */
  async ticketReply(handoffId: string, agent: Agent, text: string, clientId: string): Promise<CommandOutcome> {
    const handoff = this.store.loadState()?.handoff;
    if (!handoff || handoff.id !== handoffId) return { ok: false, code: "not_found", message: "No such handoff in this conversation." };
    if (this.store.findByClientId(authorKey({ from: "agent", author: agent }), clientId)) return { ok: true, handoff };
    return (await this.dispatch({ type: "handoff.command", handoffId, command: { type: "ticket_reply", agent, text, clientId } })) ?? NO_CONVERSATION;
  }

  /** RPC: a message or note an agent wrote elsewhere (a Slack thread); a resend of its clientId is stored once. */
  async agentEvent(event: Extract<RoomEvent, { type: "agent.message" | "agent.note" }>): Promise<CommandOutcome | undefined> {
    if (event.clientId && this.store.findByClientId(authorKey({ from: "agent", author: event.agent }), event.clientId)) return undefined;
    return this.dispatch(event);
  }

  /** RPC: an agent opens a handoff by hand. */
  async openHandoff(agent: Agent, reason: string): Promise<CommandOutcome> {
    return (await this.dispatch({ type: "handoff.manual", agent, reason })) ?? NO_CONVERSATION;
  }

  /** The room's clock; every decision reads time here and nowhere else. */
  protected now(): Date {
    return new Date();
  }

  override getConnectionTags(_connection: Connection, ctx: ConnectionContext): string[] {
    return tagsFor(readClaims(ctx.request));
  }

  override async onConnect(connection: Connection<SocketState>, ctx: ConnectionContext): Promise<void> {
    const claims = readClaims(ctx.request);
    const state = this.store.loadState();
    if (!state || !claims) return connection.close(CloseCode.unauthorized, "unknown conversation");
    const { role } = claims;
    connection.setState(socketStateFor(claims));
    const since = Math.max(0, Number(new URL(ctx.request.url).searchParams.get("since") ?? 0) || 0);
    // No await before the replay: a live frame must never reach this socket ahead of its welcome.
    this.sendTo(connection, welcomeFrame(state, role, this.roomSettings.peek()));
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
    const admitted = admitFrame(socket, raw, Date.now(), rateLimitFor(this.env));
    connection.setState({ ...socket, bucket: admitted.bucket });
    if (!admitted.ok) {
      this.sendTo(connection, admitted.error);
      return admitted.close && connection.close(admitted.close.code, admitted.close.reason);
    }
    const frame = admitted.frame;
    if (frame.type === "ping") return this.sendTo(connection, { type: "pong" });
    const author = frame.type === "visitor.message" ? undefined : socket.agent;
    if (frame.clientId !== undefined) {
      const from = frame.type === "visitor.message" ? "visitor" : "agent";
      const existing = this.store.findByClientId(authorKey({ from, ...(author ? { author } : {}) }), frame.clientId);
      // A resend after a lost ack: answer the sender with what was stored, store nothing.
      if (existing) return this.sendTo(connection, frameOf(existing));
    }
    try {
      const rejected = rejectionFrame(await this.dispatch(eventForFrame(frame, author)), frame.clientId);
      if (rejected) this.sendTo(connection, rejected);
    } catch (error) {
      // The frame was either committed whole or not at all; the client may resend its clientId.
      console.error("dispatch failed", error);
      const message = "The message could not be processed; please resend it.";
      this.sendTo(connection, { type: "error", code: "internal", message, ...(frame.clientId ? { clientId: frame.clientId } : {}) });
    }
  }

  /** Loads state, runs the domain transition, commits, then performs the effects. */
  private async dispatch(event: RoomEvent): Promise<CommandOutcome | undefined> {
    const settings = await this.roomSettings.get();
    const state = this.store.loadState(); // read after the await: another event may have run meanwhile
    if (!state) return undefined;
    const { state: next, effects, outcome } = transition(state, event, this.context(settings));
    if (next === state && effects.length === 0) return outcome; // a no-op event: nothing to commit
    const appended = effects.flatMap((e) => (e.type === "append" ? [e.message] : []));
    const syncs = effects.flatMap((e) => (e.type === "sync" ? [e.op] : []));
    // Timers are rows derived from the handoff, rewritten with every commit; one alarm serves them all.
    const timers = next.handoff ? timersFor(next.handoff, settings) : state.handoff ? [] : undefined; // untouched without a handoff
    this.store.commit(next, appended, syncs, timers);
    for (const effect of effects) await this.run(effect);
    await this.armAlarm();
    if (syncs.length > 0 && !(await flushSyncs(this.store, this.env, Date.now))) await this.armAlarm();
    return outcome;
  }

  /** What the transition needs besides the state: time, ids, settings, and what only the shell sees. */
  private context(settings: Settings): RoomContext {
    const store = this.store;
    let transcript: StoredMessage[] | undefined;
    return {
      now: this.now(),
      newId: (prefix) => randomToken(prefix, 12),
      settings,
      hasChannel: this.roomSettings.humanChannel(),
      agentsOnline: [...this.getConnections("agent")].length,
      engineWritesReplies: this.engine !== rulesEngine,
      // Read only if the rules ask for it (a packet, a resource pick): most messages never do.
      get transcript() {
        return (transcript ??= store.recentTranscript(TRANSCRIPT_CONTEXT));
      },
    };
  }

  /** Points the one alarm at the earliest timer row (skipped when it already does). */
  private async armAlarm(): Promise<void> {
    const next = this.store.nextTimer();
    if (next === this.armedFor) return;
    if (next === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(next);
    this.armedFor = next;
  }

  private async run(effect: Effect): Promise<void> {
    switch (effect.type) {
      case "append":
      case "sync":
        return; // committed in dispatch, before anything was sent
      case "broadcast": {
        const payload = JSON.stringify(effect.frame);
        for (const c of effect.to === "everyone" ? this.getConnections() : this.getConnections("agent")) this.sendTo(c, payload);
        return;
      }
      case "analyze":
      case "bot-turn":
      case "summarize": {
        // Commit the visitor's message first, so its frames leave before the bot's work (workerd
        // holds outgoing frames until the turn's writes are durable).
        if (effect.type === "analyze") await this.ctx.storage.sync();
        const transcript = () => this.store.recentTranscript(ENGINE_TRANSCRIPT);
        await this.dispatch(await askEngine(effect, { engine: this.engine, settings: await this.roomSettings.get(), transcript }));
        return;
      }
      default:
        return effect satisfies never;
    }
  }

  /** The one alarm: due handoff timers fire (idempotently), then any failed outside write is retried. */
  override async onAlarm(): Promise<void> {
    this.armedFor = undefined; // the alarm that rang is spent
    await this.dispatch({ type: "timers.fire" });
    await flushSyncs(this.store, this.env, Date.now);
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
