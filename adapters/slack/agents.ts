// A Slack user acting on a project's handoff is one of its agents: found by their Slack id, else
// by the email Slack has for them (users.info), else created on first use with their Slack name.
import type { WebClient } from "@slack/web-api";
import { randomToken, sha256Hex } from "../crypto";
import { callSlack } from "./client";

export interface SlackAgent {
  id: string;
  name: string;
  role: string;
  slackUserId: string;
}

interface AgentRow {
  id: string;
  name: string;
  role: string;
}

export async function agentForSlackUser(db: D1Database, client: WebClient, projectId: string, slackUserId: string, now: string): Promise<SlackAgent> {
  const known = await db.prepare("SELECT id, name, role FROM agents WHERE project_id = ? AND slack_user_id = ?").bind(projectId, slackUserId).first<AgentRow>();
  if (known) return { ...known, slackUserId };
  const info = await callSlack("users.info", () => client.users.info({ user: slackUserId }));
  const profile = info.user?.profile;
  const name = (profile?.display_name || profile?.real_name || info.user?.real_name || info.user?.name || slackUserId).slice(0, 200);
  const email = (profile?.email ?? "").toLowerCase();
  if (email) {
    const byEmail = await db.prepare("SELECT id, name, role FROM agents WHERE project_id = ? AND lower(email) = ?").bind(projectId, email).first<AgentRow>();
    if (byEmail) {
      await db.prepare("UPDATE agents SET slack_user_id = ? WHERE id = ?").bind(slackUserId, byEmail.id).run();
      return { ...byEmail, slackUserId };
    }
  }
  const id = randomToken("agt_", 12);
  // The agent never sees this token: they act through Slack (and sign-in links), not the API.
  const tokenHash = await sha256Hex(randomToken("at_"));
  await db
    .prepare(
      "INSERT INTO agents (id, project_id, name, email, role, token_hash, created_at, slack_user_id) VALUES (?, ?, ?, ?, 'agent', ?, ?, ?) ON CONFLICT DO NOTHING",
    )
    .bind(id, projectId, name, email || `${slackUserId.toLowerCase()}@slack.invalid`, tokenHash, now, slackUserId)
    .run();
  // Two clicks at once may race to create the same user: read back whichever row won.
  const row = await db.prepare("SELECT id, name, role FROM agents WHERE project_id = ? AND slack_user_id = ?").bind(projectId, slackUserId).first<AgentRow>();
  return { ...(row ?? { id, name, role: "agent" }), slackUserId };
}
