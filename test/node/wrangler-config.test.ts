// wrangler.toml is where the abuse budgets and the retention schedule live; the code that reads
// them must agree with it (the Retry-After it sends is the binding's period).
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LIMITERS } from "../../adapters/rate-limits";

const toml = readFileSync(path.join(import.meta.dirname, "../../wrangler.toml"), "utf8");
const ratelimits = [...toml.matchAll(/\[\[ratelimits\]\]\s*name = "(\w+)"\s*namespace_id = "(\d+)"\s*simple = \{ limit = (\d+), period = (\d+) \}/g)].map(
  (m) => ({
    name: m[1]!,
    namespaceId: m[2]!,
    limit: Number(m[3]),
    period: Number(m[4]),
  }),
);

describe("wrangler.toml", () => {
  it("declares every rate limiting binding the code spends, with the period it reports", () => {
    expect(ratelimits.map((r) => r.name).sort()).toEqual(Object.keys(LIMITERS).sort());
    for (const r of ratelimits) {
      expect(r.period, r.name).toBe(LIMITERS[r.name as keyof typeof LIMITERS]);
      expect([10, 60]).toContain(r.period);
      expect(r.limit, r.name).toBeGreaterThan(0);
    }
    expect(new Set(ratelimits.map((r) => r.namespaceId)).size).toBe(ratelimits.length);
  });

  it("runs the retention sweep on a cron trigger", () => {
    expect(toml).toMatch(/\[triggers\]\s*crons = \["[^"]+"\]/);
  });
});
