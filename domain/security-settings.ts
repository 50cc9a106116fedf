// The trust part of a project's settings: whether a visitor's claimed identity must be proven, and
// how long conversations are kept. Schema and defaults only; the identity check is in
// adapters/identity.ts, the purge in worker/retention.ts.
import * as z from "zod";

export const DEFAULT_RETENTION_DAYS = 90;

export const securitySettingsSchema = z.strictObject({
  /**
   * On: a visitor who says who they are (`userId`) must prove it with `userHash`, the HMAC-SHA256
   * of the id under the project's identity secret; a missing or wrong hash is refused.
   */
  identityVerification: z.boolean().default(false),
  /** Days transcripts, packets and notification payloads are kept before the daily purge deletes them. */
  retentionDays: z.int().min(1).max(3650).default(DEFAULT_RETENTION_DAYS),
});

export type SecuritySettings = z.output<typeof securitySettingsSchema>;
