// Sending one email, through Cloudflare's `send_email` binding (`[[send_email]]` in wrangler.toml;
// simulated by `wrangler dev` and the test pool, which log the mail and write it to a file) or an
// HTTP provider that takes `{from, to, subject, text, html, reply_to}` JSON with a bearer key
// (Resend's API does). Failures are RetryableError or PermanentError, like every integration.
import { PermanentError, RetryableError } from "./errors";
import { postJson } from "./outbound";

export interface OutgoingEmail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  replyTo?: string;
}

export type EmailTransport = { kind: "binding"; binding: SendEmail } | { kind: "http"; url: string; apiKey: string };

/** The binding refuses these for good: a sender or recipient the account may not use, a malformed message. */
const BINDING_PERMANENT = /not allowed|not verified|unverified|invalid|malformed|forbidden|does not match/i;

/** Sends `email`; returns the provider's message id when it gives one. */
export async function sendEmail(transport: EmailTransport, input: OutgoingEmail): Promise<{ messageId: string | null }> {
  // A header never spans lines: no injected Bcc, whatever a name or a subject contained.
  const email = { ...input, subject: input.subject.replace(/[\r\n]+/g, " ").slice(0, 250) };
  if (transport.kind === "binding") {
    try {
      const result = await transport.binding.send({
        from: email.from,
        to: email.to,
        subject: email.subject,
        text: email.text,
        html: email.html,
        ...(email.replyTo ? { replyTo: email.replyTo } : {}),
      });
      return { messageId: result?.messageId ?? null };
    } catch (error) {
      const message = `send_email refused the message: ${error instanceof Error ? error.message : String(error)}`;
      throw BINDING_PERMANENT.test(message) ? new PermanentError(message) : new RetryableError(message);
    }
  }
  const response = await postJson(
    "Email provider",
    transport.url,
    { from: email.from, to: [email.to], subject: email.subject, text: email.text, html: email.html, ...(email.replyTo ? { reply_to: email.replyTo } : {}) },
    { authorization: `Bearer ${transport.apiKey}` },
  );
  const body = (await response.json().catch(() => null)) as { id?: unknown; messageId?: unknown } | null;
  const id = body?.id ?? body?.messageId;
  return { messageId: typeof id === "string" ? id : null };
}
