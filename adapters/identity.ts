// Identity verification for logged-in visitors. The customer's server computes
// `userHash = HMAC-SHA256(identity secret, userId)` (hex) and the embed passes both; the worker
// checks it before the conversation exists. The secret lives in D1 (the worker must compute the
// same HMAC); after a rotation the previous one still verifies for a day, so sites can roll over.
import type { VisitorIdentity } from "../domain/transcript";
import { hmacSha256Hex, randomToken, sameSecret } from "./crypto";

/** How long the replaced identity secret keeps verifying after a rotation. */
export const PREVIOUS_SECRET_GRACE_MS = 24 * 3600 * 1000;

export interface IdentityClaim {
  userId?: string | undefined;
  userHash?: string | undefined;
}

export type IdentityOutcome = { ok: true; identity?: VisitorIdentity } | { ok: false; message: string };

interface SecretRow {
  identity_secret: string | null;
  identity_secret_previous: string | null;
  identity_rotated_at: string | null;
}

/** The secrets that verify a hash now: the current one, and the previous one during its grace day. */
async function secretsOf(db: D1Database, projectId: string, now: Date): Promise<string[]> {
  const row = await db
    .prepare("SELECT identity_secret, identity_secret_previous, identity_rotated_at FROM projects WHERE id = ?")
    .bind(projectId)
    .first<SecretRow>();
  if (!row?.identity_secret) return [];
  const rotatedAt = row.identity_rotated_at ? Date.parse(row.identity_rotated_at) : Number.NaN;
  const previousValid = row.identity_secret_previous && now.getTime() - rotatedAt < PREVIOUS_SECRET_GRACE_MS;
  return previousValid ? [row.identity_secret, row.identity_secret_previous as string] : [row.identity_secret];
}

/**
 * The visitor's identity for a new conversation. With `required` (the project's
 * `identityVerification`), a claimed user id without a valid hash is refused; without it, the id
 * is kept and marked unverified. A visitor who claims nothing is anonymous either way.
 */
export async function checkIdentity(db: D1Database, projectId: string, claim: IdentityClaim, required: boolean, now: Date): Promise<IdentityOutcome> {
  if (!claim.userId) return { ok: true };
  let verified = false;
  if (claim.userHash) {
    const given = claim.userHash.toLowerCase();
    for (const secret of await secretsOf(db, projectId, now)) {
      if (sameSecret(given, await hmacSha256Hex(secret, claim.userId))) verified = true;
    }
  }
  if (!verified && required) return { ok: false, message: "This visitor's identity could not be verified (userHash missing or wrong)." };
  return { ok: true, identity: { userId: claim.userId, verified } };
}

/** A new identity secret for the project, shown once; the one it replaces verifies for one more day. */
export async function rotateIdentitySecret(db: D1Database, projectId: string, now: Date): Promise<string> {
  const secret = randomToken("ids_", 32);
  await db
    .prepare("UPDATE projects SET identity_secret_previous = identity_secret, identity_secret = ?, identity_rotated_at = ? WHERE id = ?")
    .bind(secret, now.toISOString(), projectId)
    .run();
  return secret;
}
