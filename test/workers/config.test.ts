// Dev defaults exist only under `npm start`: anywhere else a missing secret is a loud error.
import { describe, expect, it } from "vitest";
import { adminToken, tokenSecret } from "../../adapters/config";
import type { Env } from "../../worker/env";
import { ApiError } from "../../adapters/errors";

const bare = (vars: Partial<Env>) => vars as Env;

describe("secrets", () => {
  it("development accepts the documented defaults", () => {
    expect(adminToken(bare({ BATON_ENV: "development" }))).toBe("dev-admin");
    expect(tokenSecret(bare({ BATON_ENV: "development" }))).toBeTruthy();
  });

  it.each(["production", "test", undefined])("BATON_ENV=%s refuses to run without them", (BATON_ENV) => {
    const env = bare({ ...(BATON_ENV ? { BATON_ENV } : {}) });
    expect(() => adminToken(env)).toThrow(ApiError);
    expect(() => tokenSecret(env)).toThrow(/TOKEN_SECRET is not set/);
  });

  it("configured secrets win everywhere", () => {
    expect(adminToken(bare({ BATON_ENV: "development", ADMIN_TOKEN: "mine" }))).toBe("mine");
  });
});
