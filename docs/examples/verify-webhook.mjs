// Verify a Baton webhook (Node 18+, no dependencies). Pass the raw body exactly as received.
import { createHmac, timingSafeEqual } from "node:crypto";

export function verifyBatonWebhook({ secret, timestamp, signature, rawBody, toleranceSeconds = 300, now = Date.now() }) {
  // A stale or missing timestamp is refused: a replayed request carries an old one.
  if (!/^\d+$/.test(timestamp ?? "") || Math.abs(now / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const expected = `v1=${createHmac("sha256", secret).update(`${timestamp}.${rawBody}`).digest("hex")}`;
  const given = Buffer.from(signature ?? "");
  return given.length === expected.length && timingSafeEqual(given, Buffer.from(expected));
}
