// Types for verify-webhook.mjs (the README's snippet), so the tests can import it as is.
export function verifyBatonWebhook(input: {
  secret: string;
  timestamp: string | null | undefined;
  signature: string | null | undefined;
  rawBody: string;
  toleranceSeconds?: number;
  now?: number;
}): boolean;
