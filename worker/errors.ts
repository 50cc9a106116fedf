// The one error shape of the HTTP API: `{error: {code, message, ...}}` with the right status.
// Routes throw ApiError (adapters/errors.ts); `app.onError` maps it (and anything unexpected) once.
import type { Context } from "hono";
import { ApiError } from "../adapters/errors";
import type * as z from "zod";

export function errorResponse(c: Context, error: unknown): Response {
  if (error instanceof ApiError) {
    return c.json({ error: { code: error.code, message: error.message, ...error.extra } }, error.status);
  }
  console.error("unhandled error", error);
  return c.json({ error: { code: "internal", message: "Something went wrong on our side." } }, 500);
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
    const issue = parsed.error.issues[0];
    const field = issue?.path.join(".") || "body";
    throw new ApiError(400, "invalid_body", `${field}: ${issue?.message ?? "invalid"}`, { field });
  }
  return parsed.data;
}

/** Parses query parameters against a schema; a 400 `invalid_query` names the first offending one. */
export function parseQuery<S extends z.ZodType>(schema: S, query: Record<string, string>): z.output<S> {
  const parsed = schema.safeParse(query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join(".") || "query";
    throw new ApiError(400, "invalid_query", `${field}: ${issue?.message ?? "invalid"}`, { field });
  }
  return parsed.data;
}
