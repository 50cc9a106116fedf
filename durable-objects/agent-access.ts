// Whether an agent socket may still act: an agent revoked (or whose token expired) after its
// socket opened is stopped at its next frame, not 12 hours later when its socket token runs out.
// Agents type at human speed, so one D1 read per agent per 30 seconds is all it costs; between
// reads the answer is known synchronously, so checking adds no await to an agent's frames.
import type { Connection } from "partyserver";
import { isAgentActive } from "../adapters/access";
import { CloseCode } from "../protocol/frames";
import { sendFrame } from "./socket-input";

const TTL_MS = 30_000;

interface Check {
  at: number;
  /** The question in flight, so a burst of frames asks D1 once. */
  pending: Promise<boolean>;
  /** The answer, once D1 gave it. */
  active?: boolean;
}

export class AgentAccess {
  private readonly checked = new Map<string, Check>();

  constructor(private readonly db: D1Database) {}

  /** Whether the agent may act: known at once within the TTL, else asked of D1 (unreachable: yes, the upgrade was checked). */
  isActive(projectId: string, agentId: string, now: number): boolean | Promise<boolean> {
    const cached = this.checked.get(agentId);
    if (cached && now - cached.at < TTL_MS) return cached.active ?? cached.pending;
    const check: Check = { at: now, pending: Promise.resolve(true) };
    check.pending = isAgentActive(this.db, projectId, agentId)
      .catch(() => true)
      .then((active) => (check.active = active));
    this.checked.set(agentId, check);
    return check.pending;
  }

  /** Refuses (error frame, close 4001) a frame from an agent no longer allowed to act; true when it did. */
  refuseIfRevoked(connection: Connection, projectId: string, agentId: string, now: number): boolean | Promise<boolean> {
    const active = this.isActive(projectId, agentId, now);
    return typeof active === "boolean" ? !active && this.refuse(connection) : active.then((a) => !a && this.refuse(connection));
  }

  private refuse(connection: Connection): true {
    sendFrame(connection, { type: "error", code: "unauthorized", message: "This agent's access was revoked or has expired." });
    connection.close(CloseCode.unauthorized, "agent revoked");
    return true;
  }
}
