// Whether an agent socket may still act: an agent revoked (or whose token expired) after its
// socket opened is stopped at its next frame, not 12 hours later when its socket token runs out.
// Agents type at human speed, so one D1 read per agent per 30 seconds is all it costs.
import type { Connection } from "partyserver";
import { isAgentActive } from "../adapters/access";
import { CloseCode } from "../protocol/frames";
import { sendFrame } from "./socket-input";

const TTL_MS = 30_000;

export class AgentAccess {
  /** The answer (or the question in flight, so a burst of frames asks D1 once) per agent. */
  private readonly checked = new Map<string, { active: Promise<boolean>; at: number }>();

  constructor(private readonly db: D1Database) {}

  isActive(projectId: string, agentId: string, now: number): Promise<boolean> {
    const cached = this.checked.get(agentId);
    if (cached && now - cached.at < TTL_MS) return cached.active;
    const active = isAgentActive(this.db, projectId, agentId).catch(() => true); // D1 unreachable: the upgrade was checked
    this.checked.set(agentId, { active, at: now });
    return active;
  }

  /** Refuses (error frame, close 4001) a frame from an agent no longer allowed to act; true when it did. */
  async refuseIfRevoked(connection: Connection, projectId: string, agentId: string, now: number): Promise<boolean> {
    if (await this.isActive(projectId, agentId, now)) return false;
    sendFrame(connection, { type: "error", code: "unauthorized", message: "This agent's access was revoked or has expired." });
    connection.close(CloseCode.unauthorized, "agent revoked");
    return true;
  }
}
