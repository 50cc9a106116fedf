// One ProjectInbox per project (named by project id): the team desk's live queue. Rooms publish
// each handoff change to it from their durable sync outbox; it keeps the cards, numbers the events
// and pushes them to every desk socket, which resumes by seq after a drop. It also knows who is
// available, which rooms read (cached) to decide live or capture. A thin shell over domain/desk/.
import { Server, type Connection, type ConnectionContext, type WSMessage } from "partyserver";
import { deskHandoffs } from "../adapters/desk-db";
import { deskCard } from "../domain/desk/desk-card";
import { CLOSED_RETENTION_MS, presenceOf, type DeskSocketPresence } from "../domain/desk/inbox";
import { DEFAULT_RATE_LIMIT, takeToken, type Bucket } from "../domain/room/rate-limit";
import { decodeDeskFrame, DESK_PROTOCOL_VERSION, type DeskEvent, type DeskServerFrame } from "../protocol/desk";
import { CloseCode } from "../protocol/frames";
import type { Env } from "../worker/env";
import { InboxStorage } from "./inbox-storage";

/** Set by the worker on the desk upgrade it forwards (after checking the agent's session). */
export const DESK_CLAIMS_HEADER = "x-baton-desk";

interface DeskSocket extends DeskSocketPresence {
  /** False until its welcome and replay are out: live events wait for that. */
  ready: boolean;
  bucket?: Bucket;
}

function readDeskClaims(request: Request): { agentId: string; agentName: string } | null {
  try {
    const claims = JSON.parse(request.headers.get(DESK_CLAIMS_HEADER) ?? "null") as { agentId?: unknown; agentName?: unknown } | null;
    return typeof claims?.agentId === "string" && claims.agentId ? { agentId: claims.agentId, agentName: String(claims.agentName ?? "") } : null;
  } catch {
    return null;
  }
}

export class ProjectInbox extends Server<Env> {
  static override options = { hibernate: true };
  private hydrating: Promise<void> | null = null;
  private storage: InboxStorage | undefined;

  /** Opened on first use: rooms reach the inbox by plain RPC, which runs before partyserver's onStart. */
  private get store(): InboxStorage {
    return (this.storage ??= new InboxStorage(this.ctx.storage));
  }

  /** RPC from a room's sync outbox: one handoff changed. Idempotent by event id. */
  async publish(event: DeskEvent): Promise<void> {
    await this.hydrate();
    const frame = this.store.apply(event, new Date());
    if (frame) this.push(frame);
  }

  /** RPC (erasure): forgets these handoffs (cards and the events that carried them); every desk gets its queue again. */
  async forget(handoffIds: string[]): Promise<number> {
    const gone = this.store.forget(handoffIds);
    if (gone > 0) this.push({ type: "desk.snapshot", seq: this.store.lastSeq(), cards: this.store.cards() });
    return gone;
  }

  /** RPC (retention): drops events and closed cards older than `cutoff`. */
  async purgeBefore(cutoff: string): Promise<void> {
    this.store.purgeBefore(cutoff);
  }

  /** RPC: how many agents are available at a desk right now. */
  async availableAgents(): Promise<number> {
    return this.presence().available;
  }

  /** RPC: the queue as of now, for HTTP readers (`GET /v1/desk`). */
  async snapshot(): Promise<{ lastSeq: number; cards: ReturnType<InboxStorage["cards"]>; presence: ReturnType<typeof presenceOf> }> {
    await this.hydrate();
    return { lastSeq: this.store.lastSeq(), cards: this.store.cards(), presence: this.presence() };
  }

  override getConnectionTags(_connection: Connection, ctx: ConnectionContext): string[] {
    return ["desk", `agent:${readDeskClaims(ctx.request)?.agentId ?? ""}`];
  }

  override async onConnect(connection: Connection<DeskSocket>, ctx: ConnectionContext): Promise<void> {
    const claims = readDeskClaims(ctx.request);
    if (!claims) return connection.close(CloseCode.unauthorized, "unauthorized");
    const url = new URL(ctx.request.url);
    const status = url.searchParams.get("status") === "away" ? "away" : "available";
    connection.setState({ agentId: claims.agentId, name: claims.agentName, status, ready: false });
    await this.hydrate();
    // From here to `ready` nothing awaits, so no live event can slip between the replay and the stream.
    const since = Math.max(0, Number(url.searchParams.get("since") ?? 0) || 0);
    const replay = since > 0 ? this.store.eventsSince(since) : null;
    const lastSeq = this.store.lastSeq();
    const welcome: DeskServerFrame = {
      type: "desk.welcome",
      protocol: DESK_PROTOCOL_VERSION,
      agent: { id: claims.agentId, name: claims.agentName },
      lastSeq,
      resumed: replay !== null,
    };
    this.sendTo(connection, welcome);
    if (replay) for (const frame of replay) this.sendTo(connection, frame);
    else this.sendTo(connection, { type: "desk.snapshot", seq: lastSeq, cards: this.store.cards() });
    connection.setState({ ...connection.state!, ready: true });
    this.broadcastPresence();
  }

  override onMessage(connection: Connection<DeskSocket>, raw: WSMessage): void {
    const socket = connection.state;
    if (!socket) return;
    const taken = takeToken(socket.bucket, Date.now(), DEFAULT_RATE_LIMIT);
    connection.setState({ ...socket, bucket: taken.bucket });
    if (!taken.allowed) {
      this.sendTo(connection, { type: "error", code: "rate_limited", message: "Too many frames; slow down." });
      if (taken.abusive) connection.close(CloseCode.abusive, "rate limit exceeded");
      return;
    }
    const decoded = decodeDeskFrame(raw);
    if (!decoded.ok || decoded.frame.type === "ping") {
      this.sendTo(connection, decoded.ok ? { type: "pong" } : decoded.error);
      return;
    }
    const { status, auto } = decoded.frame;
    // A toggle is the agent's choice for all their desks; going idle concerns this tab only.
    const targets = auto ? [connection] : [...this.getConnections<DeskSocket>(`agent:${socket.agentId}`)];
    for (const c of targets) if (c.state) c.setState({ ...c.state, status });
    this.broadcastPresence();
  }

  override onClose(connection: Connection<DeskSocket>): void {
    this.broadcastPresence(connection.id);
  }

  override onError(connection: Connection, error: unknown): void {
    console.error("desk socket error", connection.id, error);
  }

  /** Fills an empty inbox from D1 once (a new deployment, a reset), then never again. */
  private hydrate(): Promise<void> {
    if (this.store.isHydrated()) return Promise.resolve();
    this.hydrating ??= (async () => {
      const since = new Date(Date.now() - CLOSED_RETENTION_MS).toISOString();
      const rows = await deskHandoffs(this.env.DB, this.name, since);
      if (!this.store.isHydrated()) this.store.hydrate(rows.map((r) => deskCard(r)));
    })().finally(() => {
      this.hydrating = null;
    });
    return this.hydrating;
  }

  private presence(excluding?: string) {
    const sockets = [...this.getConnections<DeskSocket>("desk")].flatMap((c) => (c.id !== excluding && c.state ? [c.state] : []));
    return presenceOf(sockets);
  }

  private broadcastPresence(excluding?: string): void {
    this.push({ type: "desk.presence", ...this.presence(excluding) }, excluding);
  }

  /** To every desk whose replay is out (others get the event in their replay). */
  private push(frame: DeskServerFrame, excluding?: string): void {
    const payload = JSON.stringify(frame);
    for (const c of this.getConnections<DeskSocket>("desk")) if (c.id !== excluding && c.state?.ready) this.sendTo(c, payload);
  }

  private sendTo(connection: Connection, frame: DeskServerFrame | string): void {
    try {
      connection.send(typeof frame === "string" ? frame : JSON.stringify(frame));
    } catch {
      // closed meanwhile: it resumes by seq
    }
  }
}
