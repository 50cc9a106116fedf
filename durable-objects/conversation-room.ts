// One ConversationRoom per conversation: the single writer of its transcript, state and handoff,
// and the holder of its visitor and agent sockets (hibernation API, via partyserver). A thin shell:
// decode -> domain transition -> commit -> run effects. The rules live in domain/.
import { Server, type Connection, type ConnectionContext, type WSMessage } from "partyserver";
import { maxVisitorSockets, rateLimitFor } from "../adapters/config";
import { engineFor } from "../adapters/llm/openai";
import type { HandoffCommand } from "../domain/handoff/machine";
import { turnAnsweredBy } from "../domain/room/owed-turns";
import type { CommandOutcome, Effect, RoomContext, RoomEvent, RoomState } from "../domain/room/room-types";
import { transitionInline, turnAfterAppend } from "../domain/room/inline-turns";
import { transition } from "../domain/room/transition";
import type { Settings } from "../domain/settings";
import type { StoredMessage } from "../domain/transcript";
import { CloseCode } from "../protocol/frames";
import type { Env } from "../worker/env";
import { DeskPresence } from "./desk-presence";
import { EngineTurns } from "./engine-turns";
import { RoomSettings } from "./room-settings";
import { RoomStorage } from "./room-storage";
import { readClaims, socketStateFor, tagsFor, type SocketState } from "./socket-claims";
import { commitUnlessResent, eventForFrame, internalError, receiveFrame, refuseExtraSocket, rejectionFrame, sendFrame } from "./socket-input";
import { flushSyncs } from "./sync";
import { type AgentAct, planAct } from "./agent-acts";
import { AgentAccess } from "./agent-access";
import { RoomAlarm } from "./room-alarm";
import { roomContext } from "./room-context";
import { purgeRoom, type PurgeOutcome } from "./room-retention";
import { broadcast, closeAll, openCount, type RawSockets, relayTyping, replay, sinceOf, type Sockets } from "./room-sockets";
import { RoomOpening } from "./room-opening";
import { TurnRunner } from "./turn-runner";
import { AheadTurns } from "./ahead-turns";
import { withNameInMeta } from "./name-record";

const NO_CONVERSATION: CommandOutcome = { ok: false, code: "not_found", message: "No such conversation." };

export class ConversationRoom extends Server<Env> {
  static override options = { hibernate: true };
  private store!: RoomStorage;
  private roomSettings!: RoomSettings;
  private desk!: DeskPresence;
  private engine!: EngineTurns;
  private turns!: TurnRunner;
  private alarmClock!: RoomAlarm;
  private agents!: AgentAccess;
  private opening!: RoomOpening;
  private ahead!: AheadTurns;
  /** The object's own state: partyserver's `this.ctx` is one whose name record lives in the room's meta table (name-record.ts). */
  private readonly own: DurableObjectState;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.own = ctx;
    Object.defineProperty(this, "ctx", { value: withNameInMeta(ctx) });
  }

  override async onStart(): Promise<void> {
    this.store = new RoomStorage(this.own.storage);
    this.roomSettings = new RoomSettings(this.store, this.env);
    this.desk = new DeskPresence(this.store, this.env);
    const transcript = (limit: number) => this.store.recentTranscript(limit);
    this.engine = new EngineTurns({ engine: engineFor(this.env), settings: () => this.roomSettings.get(), transcript, sync: () => this.own.storage.sync() });
    this.alarmClock = new RoomAlarm(this.own.storage, this.store);
    this.agents = new AgentAccess(this.env.DB);
    this.opening = new RoomOpening({ store: this.store, settings: () => this.roomSettings, env: this.env, conversationId: () => this.name });
    this.turns = new TurnRunner({ store: this.store, ask: (turn) => this.engine.ask(turn), dispatch: (event) => this.dispatch(event) });
    this.ahead = new AheadTurns({ store: this.store, sockets: this.rawSockets, answer: (event, settings) => this.dispatch(event, undefined, true, settings) });
    // Turns a previous instance owed and never answered (it died between the commit and the reply).
    this.own.waitUntil(this.turns.recover());
    // A message stored ahead of its rules turn that a crash cut off: answered before any event (partyserver awaits onStart).
    await this.ahead.answerUnanalysed();
  }

  /** RPC: the transcript as an agent sees it (notes included). */
  async transcript(): Promise<StoredMessage[]> {
    return this.store.messagesSince(0, true);
  }

  /** RPC: an operator or system command on this conversation's handoff. */
  async command(handoffId: string, command: HandoffCommand): Promise<CommandOutcome> {
    return (await this.dispatch({ type: "handoff.command", handoffId, command })) ?? NO_CONVERSATION;
  }

  /** RPC: what an agent does from outside its sockets (REST, tickets, Slack), one event each: see agent-acts.ts. */
  async act(act: AgentAct): Promise<CommandOutcome> {
    if (this.ahead.pending) await this.ahead.settled(); // planned on the state after the bot's answer
    if (!this.store.loadState()) await this.opening.open();
    const plan = planAct(this.store, act);
    return "answer" in plan ? plan.answer : ((await this.dispatch(plan.event)) ?? plan.otherwise);
  }

  /** RPC (retention): drops transcript rows older than `cutoff`, and the whole room once nothing recent is left. */
  async purgeBefore(cutoff: string): Promise<PurgeOutcome> {
    if (this.ahead.pending) await this.ahead.settled();
    return purgeRoom(this.store, cutoff, () => this.erase());
  }

  /** RPC (erasure): closes every socket and forgets the conversation entirely. */
  async erase(): Promise<void> {
    if (this.ahead.pending) await this.ahead.settled(); // a turn in flight commits before everything goes
    this.opening.erasing();
    closeAll(this.sockets);
    await this.store.eraseAll();
    this.roomSettings = new RoomSettings(this.store, this.env);
    this.alarmClock.rang();
  }

  private readonly sockets: Sockets = (tag) => this.getConnections(tag);
  private readonly rawSockets: RawSockets = (tag) => this.own.getWebSockets(tag);

  /** The room's clock; every decision reads time here and nowhere else. */
  protected now(): Date {
    return new Date();
  }

  override getConnectionTags(_connection: Connection, ctx: ConnectionContext): string[] {
    return tagsFor(readClaims(ctx.request));
  }

  override async onConnect(connection: Connection<SocketState>, ctx: ConnectionContext): Promise<void> {
    const claims = readClaims(ctx.request);
    // No await while the room is open: a live frame must never reach this socket ahead of its welcome.
    // Only the conversation's first socket waits, on D1, for the room to open.
    const state = claims ? (this.store.loadState() ?? (await this.opening.open())) : null;
    if (!state || !claims) return connection.close(CloseCode.unauthorized, "unknown conversation");
    const { role } = claims;
    if (role === "visitor" && refuseExtraSocket(connection, [...this.getConnections("visitor")].length, maxVisitorSockets(this.env))) return;
    connection.setState(socketStateFor(claims));
    replay(connection, state, role, sinceOf(ctx.request), this.store, this.roomSettings.peek());
    if (role === "visitor" && state.handoff?.visitorLeftAt) await this.dispatch({ type: "visitor.presence", present: true });
  }

  override async onClose(connection: Connection<SocketState>): Promise<void> {
    if (connection.state?.role !== "visitor") return;
    const othersOpen = [...this.getConnections("visitor")].some((c) => c.id !== connection.id);
    if (!othersOpen) await this.dispatch({ type: "visitor.presence", present: false });
  }

  /** A socket's later frames skip partyserver's entry, which reads its attachment back on every frame (see room-sockets.ts). */
  override async webSocketMessage(ws: WebSocket, message: WSMessage): Promise<void> {
    if (!this.wrapped.has(ws)) return super.webSocketMessage(ws, message);
    try {
      await this.onMessage(ws as unknown as Connection<SocketState>, message);
    } catch (error) {
      console.error("webSocketMessage failed", error);
    }
  }

  private readonly wrapped = new WeakSet<WebSocket>();

  override async onMessage(connection: Connection<SocketState>, raw: WSMessage): Promise<void> {
    this.wrapped.add(connection as unknown as WebSocket);
    const socket = connection.state;
    if (!socket || connection.readyState !== WebSocket.READY_STATE_OPEN) return; // frames still arriving on a socket the room closed
    const relay = (typing: boolean) => relayTyping(this.sockets, this.store.loadState(), socket, typing);
    const frame = receiveFrame(connection, socket, raw, { store: this.store, limit: rateLimitFor(this.env), relay });
    if (!frame) return;
    const author = frame.type === "visitor.message" ? undefined : socket.agent;
    const refused = author ? this.agents.refuseIfRevoked(connection, this.store.loadState()?.projectId ?? "", author.id, Date.now()) : false;
    if (refused === true || (refused !== false && (await refused))) return; // awaits only when D1 must be asked
    try {
      const rejected = rejectionFrame(await this.dispatch(eventForFrame(frame, author), connection), frame.clientId);
      if (rejected) sendFrame(connection, rejected);
    } catch (error) {
      // The frame was either committed whole or not at all; the client may resend its clientId.
      console.error("dispatch failed", error);
      sendFrame(connection, internalError(frame.clientId));
    }
  }

  /**
   * Loads state, runs the domain transition, commits, then performs the effects. `inline`: the
   * event is the answer to a turn the room owes nobody but itself (a message stored ahead), or part
   * of an event already let in (a summary its commit asked for): it does not wait for the pending turn.
   * `given`: the settings its message was stored with (a turn is decided on the copy its echo was).
   */
  private async dispatch(event: RoomEvent, sender?: Connection, inline = false, given?: Settings): Promise<CommandOutcome | undefined> {
    const settings = given ?? (await this.roomSettings.get());
    // A message stored ahead is answered before any later event is decided (ahead-turns.ts).
    // Checked again on every wake, with nothing in between: of the events that waited, the first
    // stores its message ahead and the others wait for its turn in turn.
    if (!inline) while (this.ahead.pending) await this.ahead.pending;
    const state = this.store.loadState(); // read after the awaits: another event may have run meanwhile
    if (!state) return undefined;
    // An answer to a turn that is no longer owed was already given (or belongs to a dead instance): drop it.
    const answered = inline ? null : turnAnsweredBy(event);
    if (answered && this.store.owedTurn(answered.seq)?.type !== answered.stage) return undefined;
    const ctx = this.context(settings);
    const first = transition(state, event, ctx);
    // With the rules engine a visitor message is stored and echoed first, then answered in a second
    // step before any other event: the echo does not wait for the rules' turn (ahead-turns.ts).
    const turn = event.type === "visitor.message" && !inline ? turnAfterAppend(first, this.engine.answerNow) : null;
    if (turn) {
      const copy = this.ahead.store(first, turn, event, settings);
      return copy ? this.resent(copy, sender, first.state) : undefined;
    }
    // Otherwise one commit; with the rules engine the turn's answer is in it too (inline-turns.ts).
    const { state: next, effects, outcome } = transitionInline(state, event, ctx, this.engine.answerNow, first);
    // Whether agents are at their desks decides live or capture: asked of the inbox only when this
    // decision opens a handoff on a stale count, then decided again (a thousand rooms, one question each per handoff).
    if (next.handoff && next.handoff.id !== state.handoff?.id && this.desk.stale()) {
      await this.desk.refresh();
      return this.dispatch(event, sender, inline, given);
    }
    if (next === state && effects.length === 0) {
      if (answered) this.store.settleTurn(answered.seq); // nothing to say, but the turn is done
      return outcome;
    }
    // One commit: state, messages, sync rows, timers, the turns it owes and the one it answers; or a resend's stored copy.
    const queued = commitUnlessResent(() => this.store.commitTransition(state, next, effects, settings, answered?.seq ?? null), this.store, event);
    if (typeof queued !== "number") return this.resent(queued, sender, state);
    await this.alarmClock.arm(); // before any effect: an owed turn's deadline must ring even if the object dies in the turn
    for (const effect of effects) await this.run(effect);
    if (queued > 0 && !(await flushSyncs(this.store, this.env, Date.now))) await this.alarmClock.arm();
    return outcome;
  }

  /** A resend: the stored copy to its sender, and a visitor message's turn if a crash left it unanswered. */
  private async resent(stored: StoredMessage, sender: Connection | undefined, state: RoomState): Promise<CommandOutcome | undefined> {
    await this.turns.resent(stored, sender);
    if (stored.from === "visitor") await this.own.blockConcurrencyWhile(() => this.ahead.answerUnanalysed());
    return state.handoff ? { ok: true, handoff: state.handoff } : undefined;
  }

  /** What the transition needs besides the state: time, ids, settings, and what only the shell sees. */
  private context(settings: Settings): RoomContext {
    // Agents count as reachable when connected to this room or available at their desk (the inbox's cached count).
    const agentsOnline = () => Math.max(openCount(this.rawSockets, "agent"), this.desk.available());
    const reach = { hasChannel: this.roomSettings.humanChannel(), agentsOnline };
    return roomContext(this.store, { now: this.now(), settings, engineWritesReplies: this.engine.writesReplies, ...reach });
  }

  private async run(effect: Effect): Promise<void> {
    switch (effect.type) {
      case "append":
      case "sync":
        return; // committed in dispatch, before anything was sent
      case "broadcast":
        return broadcast(this.rawSockets, effect.to, effect.frame);
      case "analyze":
      case "bot-turn":
        return this.turns.run(effect); // owed until answered: see turn-runner.ts
      case "summarize":
        // A new handoff's row, alert and desk card leave before the model writes its better summary
        // (the alarm is armed first, so a write cut short is retried).
        await this.alarmClock.arm().then(() => flushSyncs(this.store, this.env, Date.now));
        await this.dispatch(await this.engine.ask(effect), undefined, true);
        return;
      default:
        return effect satisfies never;
    }
  }

  /** The one alarm: due handoff timers fire (idempotently), overdue owed turns run, failed outside writes are retried. */
  override async onAlarm(): Promise<void> {
    this.alarmClock.rang(); // the alarm that rang is spent
    await this.dispatch({ type: "timers.fire" });
    await this.turns.recover(Date.now());
    await flushSyncs(this.store, this.env, Date.now);
    await this.alarmClock.arm();
  }

  override onError(connection: Connection, error: unknown): void {
    console.error("socket error", connection.id, error);
  }
}
