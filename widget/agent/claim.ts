// Claiming a handoff from any page: the room decides who wins; the loser is told who and when, in a
// toast, and goes back to the queue.
import { ApiFailure, api } from "./api";
import type { AppContext } from "./app-context";
import { timeAgo } from "./format";

/** Claims `handoffId`; true when this agent holds it now (also when it already did). */
export async function claim(app: AppContext, handoffId: string): Promise<boolean> {
  try {
    await api(`/handoffs/${encodeURIComponent(handoffId)}/claim`, { method: "POST", body: {} });
    return true;
  } catch (error) {
    const body = error instanceof ApiFailure ? error.body : null;
    if (body?.code === "already_claimed" && body.claimedBy) {
      const since = body.claimedAt ? `, ${timeAgo(body.claimedAt, Date.now())}` : "";
      app.toast(`Already claimed by ${body.claimedBy.name || "another agent"}${since}`, "error");
      app.navigate("/desk");
    } else {
      app.toast(body?.message ?? "The handoff could not be claimed.", "error");
    }
    return false;
  }
}
