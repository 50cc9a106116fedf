import { describe, expect, it } from "vitest";
import { takeToken, worthSaving, type Bucket } from "./rate-limit";

const limit = { burst: 3, perSecond: 1, maxStrikes: 2 };

describe("a sender's token bucket", () => {
  it("allows a burst, then refuses until tokens refill", () => {
    let bucket: Bucket | undefined;
    const results = [0, 1, 2, 3].map(() => {
      const r = takeToken(bucket, 1000, limit);
      bucket = r.bucket;
      return r.allowed;
    });
    expect(results).toEqual([true, true, true, false]);
    expect(takeToken(bucket, 2000, limit).allowed).toBe(true);
  });

  it("marks a socket abusive after maxStrikes consecutive refusals, and forgives after an allowed frame", () => {
    let bucket: Bucket = { tokens: 0, at: 0, strikes: 0 };
    const first = takeToken(bucket, 0, limit);
    expect(first).toMatchObject({ allowed: false, abusive: false });
    bucket = first.bucket;
    expect(takeToken(bucket, 0, limit)).toMatchObject({ allowed: false, abusive: true });
    expect(takeToken(bucket, 5000, limit)).toMatchObject({ allowed: true, bucket: { strikes: 0 } });
  });

  it("never refills beyond the burst, and tolerates a clock that goes backwards", () => {
    expect(takeToken({ tokens: 3, at: 0, strikes: 0 }, 1_000_000, limit).bucket.tokens).toBe(2);
    expect(takeToken({ tokens: 1, at: 5000, strikes: 0 }, 1000, limit).allowed).toBe(true);
  });

  it("is worth saving once half the burst is spent or a frame was refused, not while it stays near full", () => {
    const wide = { burst: 10, perSecond: 1, maxStrikes: 3 };
    const full = takeToken(undefined, 0, wide); // 9 left
    expect(worthSaving(full, wide)).toBe(false);
    const half = takeToken({ tokens: 5, at: 0, strikes: 0 }, 0, wide); // 4 left
    expect(worthSaving(half, wide)).toBe(true);
    const refused = takeToken({ tokens: 0, at: 0, strikes: 0 }, 0, wide);
    expect(refused.allowed).toBe(false);
    expect(worthSaving(refused, wide)).toBe(true);
  });
});
