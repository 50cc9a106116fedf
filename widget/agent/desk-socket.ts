// The one desk socket of the agent app, shared by every page: it resumes from the last seq after a
// drop (partysocket reconnects and asks for a fresh URL each time), keeps the agent's presence
// (a toggle remembered per agent, and away after idling), and hands every change to its listeners.
import ReconnectingWebSocket from "partysocket/ws";
import type { DeskClientFrame, DeskEventFrame, PresenceStatus } from "../../protocol/desk";
import { socketUrl } from "./api";
import { applyDeskFrame, emptyDesk, readDeskFrame, type DeskState } from "./desk-state";

export type Connection = "connecting" | "online" | "offline";

/** Minutes without a key or pointer in any desk tab after which this tab reports the agent away. */
const IDLE_MS = 10 * 60_000;
const HEARTBEAT_MS = 25_000;

export interface DeskConnection {
  state(): DeskState;
  connection(): Connection;
  /** The agent's own choice (not the idle state). */
  status(): PresenceStatus;
  setStatus(status: PresenceStatus): void;
  subscribe(listener: () => void): () => void;
  onArrival(listener: (event: DeskEventFrame) => void): () => void;
  /** Drops the socket (it reconnects and resumes at once): what a network blip does. */
  reconnect(): void;
}

export function openDesk(agentId: string): DeskConnection {
  const statusKey = `baton:desk-status:${agentId}`;
  let chosen: PresenceStatus = localStorage.getItem(statusKey) === "away" ? "away" : "available";
  let idle = false;
  let state = emptyDesk;
  let connection: Connection = "connecting";
  const listeners = new Set<() => void>();
  const arrivals = new Set<(event: DeskEventFrame) => void>();
  const effective = (): PresenceStatus => (chosen === "away" || idle ? "away" : "available");
  const notify = () => {
    for (const l of listeners) l();
  };

  const ws = new ReconnectingWebSocket(() => socketUrl(`/v1/desk/socket?since=${state.lastSeq}&status=${effective()}`), undefined, {
    minReconnectionDelay: 500 + Math.random() * 500,
    maxReconnectionDelay: 10_000,
    connectionTimeout: 8_000,
    maxEnqueuedMessages: 0,
  });
  const send = (frame: DeskClientFrame) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  };

  ws.addEventListener("message", (event) => {
    const frame = readDeskFrame(event.data);
    if (!frame) return;
    if (frame.type === "desk.welcome") connection = "online";
    const applied = applyDeskFrame(state, frame);
    state = applied.state;
    if (applied.gap) return ws.reconnect(); // resume from the last seq applied: the server replays what is missing
    if (applied.arrived) for (const l of arrivals) l(applied.arrived);
    notify();
  });
  ws.addEventListener("close", () => {
    connection = navigator.onLine ? "connecting" : "offline";
    notify();
  });
  setInterval(() => send({ type: "ping" }), HEARTBEAT_MS);

  // Idle: no keyboard or pointer activity here for IDLE_MS. Coming back makes this tab available again.
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  const active = () => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      idle = true;
      send({ type: "desk.presence", status: "away", auto: true });
    }, IDLE_MS);
    if (idle) {
      idle = false;
      if (chosen === "available") send({ type: "desk.presence", status: "available", auto: true });
    }
  };
  for (const name of ["keydown", "pointerdown", "pointermove", "focus"]) addEventListener(name, active, { passive: true });
  active();
  // The toggle in another tab of this browser (the server already applied it to every desk of the agent).
  addEventListener("storage", (event) => {
    if (event.key !== statusKey) return;
    chosen = event.newValue === "away" ? "away" : "available";
    notify();
  });

  return {
    state: () => state,
    connection: () => connection,
    status: () => chosen,
    setStatus(next) {
      chosen = next;
      localStorage.setItem(statusKey, next);
      send({ type: "desk.presence", status: next });
      notify();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onArrival(listener) {
      arrivals.add(listener);
      return () => arrivals.delete(listener);
    },
    reconnect: () => ws.reconnect(),
  };
}
