// The agent app's HTTP client: same-origin JSON calls carrying the session cookie, every error read
// into one shape ({status, code, message, field?, claimedBy?, claimedAt?}) the pages can show.

export interface ApiErrorBody {
  status: number;
  code: string;
  message: string;
  field?: string;
  claimedBy?: { id: string; name: string };
  claimedAt?: string;
}

export class ApiFailure extends Error {
  constructor(readonly body: ApiErrorBody) {
    super(body.message);
  }
}

/** Calls `/v1${path}`; resolves with the JSON body, rejects with an ApiFailure (network errors included). */
export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/v1${path}`, {
      method: init.method ?? (init.body === undefined ? "GET" : "POST"),
      headers: init.body === undefined ? {} : { "content-type": "application/json" },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      credentials: "same-origin",
    });
  } catch {
    throw new ApiFailure({ status: 0, code: "network", message: "Baton could not be reached. Check your connection and try again." });
  }
  const body: unknown = await res.json().catch(() => null);
  if (res.ok) return body as T;
  const error = (body as { error?: Partial<ApiErrorBody> } | null)?.error ?? {};
  if (res.status === 401) location.assign("/desk"); // the session ended: the desk page says how to sign in again
  throw new ApiFailure({
    status: res.status,
    code: typeof error.code === "string" ? error.code : "http_error",
    message: typeof error.message === "string" ? error.message : `Request failed (HTTP ${res.status}).`,
    ...(typeof error.field === "string" ? { field: error.field } : {}),
    ...(error.claimedBy ? { claimedBy: error.claimedBy } : {}),
    ...(typeof error.claimedAt === "string" ? { claimedAt: error.claimedAt } : {}),
  });
}

/** The ws:/wss: URL of a path on this origin. */
export function socketUrl(path: string): string {
  const url = new URL(path, location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.href;
}
