// Outside calls: a Retry-After in seconds or as a date, and which URLs an integration may be given.
import { describe, expect, it } from "vitest";
import { isAllowedUrl, retryAfterSeconds } from "./outbound";

describe("Retry-After", () => {
  const now = Date.parse("2026-03-04T10:00:00Z");
  it.each([
    ["7", 7],
    ["0", 0],
    ["1.2", 2],
    ["99999", 3600],
    ["Wed, 04 Mar 2026 10:00:30 GMT", 30],
    ["Wed, 04 Mar 2026 09:00:00 GMT", 0],
    ["soon", undefined],
    [null, undefined],
  ] as const)("%s → %s seconds", (header, seconds) => {
    expect(retryAfterSeconds(header, now)).toBe(seconds);
  });
});

describe("integration URLs", () => {
  it.each([
    ["https://hooks.zapier.com/hooks/catch/1/abc/", false, true],
    ["http://127.0.0.1:9999/hook", false, false],
    ["http://127.0.0.1:9999/hook", true, true],
    ["https://user:pass@example.com/", true, false],
    ["javascript:alert(1)", true, false],
    ["ftp://example.com/", true, false],
    ["not a url", true, false],
  ] as const)("%s (http allowed: %s) → %s", (url, allowHttp, ok) => {
    expect(isAllowedUrl(url, allowHttp)).toBe(ok);
  });
});
