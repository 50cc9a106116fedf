// Whether the team is emailed about a handoff event: always, or (the default, from the seed) only
// when no chat channel (Slack, Teams) carried it — none is set up, or each one is down. Decided
// from the channels' delivery records, so a job retried later sees what already happened.
// Pure: the consumer reads the records and passes them in.

export type DeliveryState = "queued" | "delivered" | "retrying" | "failed" | null;

export interface ChatChannelState {
  /** "slack", "teams": named in the reason. */
  kind: string;
  /** The channel's health: a permanent failure on its last delivery marks it failing. */
  healthy: boolean;
  /** This job's delivery record on the channel (null: none yet). */
  delivery: DeliveryState;
  /** The handoff's alert (its `handoff.opened` job) on the channel, when this job is a later one. */
  alert: DeliveryState;
  /**
   * Delivered later by the channel's own poster (Slack). A "retrying" record of this very job is
   * the poster's to judge: it re-sends the job as a fallback when the service is down.
   */
  paced: boolean;
}

export type EmailDecision = { send: boolean; why: string };

const NAMES: Record<string, string> = { slack: "Slack", teams: "Teams" };
const name = (kind: string) => NAMES[kind] ?? kind;

/** A chat channel that will not show this job to anyone (now or for this handoff). */
export function isChatDown(chat: ChatChannelState, fallbackFor: string | undefined): boolean {
  if (!chat.healthy || fallbackFor === chat.kind) return true;
  if (chat.delivery === "failed" || (chat.delivery === "retrying" && !chat.paced)) return true;
  // The handoff's alert never went out: its later notices (a thread reply in Slack) cannot either.
  return chat.alert === "failed" || chat.alert === "retrying";
}

/**
 * The team's email for one job. `always`: every time. `fallback`: when no chat channel is set up,
 * or every one of them is down for this job; otherwise not (the person was reached in chat).
 */
export function decideTeamEmail(input: { mode: "always" | "fallback"; chats: readonly ChatChannelState[]; fallbackFor?: string }): EmailDecision {
  if (input.mode === "always") return { send: true, why: "you get every handoff by email (email mode: always)" };
  if (input.chats.length === 0) return { send: true, why: "no chat channel (Slack or Teams) is set up, so handoffs reach you by email" };
  const down = input.chats.filter((c) => isChatDown(c, input.fallbackFor));
  if (down.length === input.chats.length) {
    return { send: true, why: `${down.map((c) => name(c.kind)).join(" and ")} could not deliver this, so it reached you by email` };
  }
  const up = input.chats.filter((c) => !down.includes(c));
  return { send: false, why: `${up.map((c) => name(c.kind)).join(" and ")} carried it` };
}
