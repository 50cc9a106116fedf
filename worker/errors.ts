// The one error shape of the HTTP API: `{error: {code, message, ...}}` with the right status.
// Routes throw ApiError (adapters/errors.ts); `app.onError` maps it (and anything unexpected) once.
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ApiError, TooManyRequestsError } from "../adapters/errors";
import type * as z from "zod";
import { MAX_SETTINGS_BYTES, oversizedSettingsField, type Settings } from "../domain/settings";

/** Error messages and echoed field names are cut to these lengths: an error never repeats a large input. */
const MAX_MESSAGE = 300;
const MAX_FIELD = 120;

export const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export function errorResponse(c: Context, error: unknown): Response {
  if (error instanceof ApiError) {
    const extra = Object.fromEntries(Object.entries(error.extra).map(([k, v]) => [k, typeof v === "string" ? clip(v, MAX_FIELD) : v]));
    if (error instanceof TooManyRequestsError) c.header("Retry-After", String(error.retryAfterSeconds));
    return c.json({ error: { code: error.code, message: clip(error.message, MAX_MESSAGE), ...extra } }, error.status);
  }
  console.error("unhandled error", error);
  return c.json({ error: { code: "internal", message: "Something went wrong on our side." } }, 500);
}

/** Request bodies, by route: public routes take little, settings documents the most storage accepts. */
export const BODY_LIMITS = { public: 8 * 1024, default: 64 * 1024, settings: 2 * 1024 * 1024 } as const;

function bodyLimitFor(method: string, path: string): number {
  if (method === "POST" && path === "/v1/conversations") return BODY_LIMITS.public;
  if (path === "/v1/settings" || path === "/v1/projects") return BODY_LIMITS.settings;
  return BODY_LIMITS.default;
}

/** Refuses a body over its route's limit with 413, by Content-Length or while streaming, before any route reads it. */
export const limitBodies: MiddlewareHandler = (c, next) => {
  const maxSize = bodyLimitFor(c.req.method, c.req.path);
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new ApiError(413, "body_too_large", `Request bodies on this route are limited to ${maxSize} bytes.`);
    },
  })(c, next);
};

/** The first issue of a failed parse as `{field, message}`, both short whatever the input was. */
function describeIssue(issue: z.core.$ZodIssue | undefined, fallback: string): { field: string; message: string } {
  const path = issue?.path.map(String).join(".") ?? "";
  if (issue?.code === "unrecognized_keys") {
    const key = String(issue.keys[0] ?? "");
    const field = clip(path ? `${path}.${key}` : key, MAX_FIELD);
    const more = issue.keys.length > 1 ? ` (and ${issue.keys.length - 1} more)` : "";
    return { field, message: `${field}: unknown field${more}` };
  }
  const field = clip(path || fallback, MAX_FIELD);
  return { field, message: `${field}: ${clip(issue?.message ?? "invalid", 200)}` };
}

/** Parses a JSON request body against a schema; a 400 names the first offending field. */
export async function parseBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new ApiError(400, "bad_json", "Request body must be valid JSON.");
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const { field, message } = describeIssue(parsed.error.issues[0], "body");
    throw new ApiError(400, "invalid_body", message, { field });
  }
  return parsed.data;
}

/** Parses query parameters against a schema; a 400 `invalid_query` names the first offending one. */
export function parseQuery<S extends z.ZodType>(schema: S, query: Record<string, string>): z.output<S> {
  const parsed = schema.safeParse(query);
  if (!parsed.success) {
    const { field, message } = describeIssue(parsed.error.issues[0], "query");
    throw new ApiError(400, "invalid_query", message, { field });
  }
  return parsed.data;
}

/** 400 naming the heaviest field when settings are too large to store (the schema alone allows more). */
export function requireStorableSettings(settings: Settings, prefix = ""): void {
  const over = oversizedSettingsField(settings);
  if (!over) return;
  const field = `${prefix}${over.field}`;
  throw new ApiError(400, "settings_too_large", `${field}: settings weigh ${over.bytes} bytes stored; the most is ${MAX_SETTINGS_BYTES}.`, { field });
}
