import { describe, expect, it } from "vitest";
import { forgetProject, PROJECT_TTL_MS, projectByPublicKey } from "./project-cache";

/** D1 at its API boundary: one projects row per key, counting the queries it answers. */
function fakeD1(rows: Record<string, { id: string; settings: string }>) {
  const asked: string[] = [];
  const db = {
    prepare: () => ({
      bind: (key: string) => ({
        first: async () => {
          asked.push(key);
          const row = rows[key];
          return row ? { id: row.id, name: "P", public_key: key, allowed_origins: "[]", settings: row.settings } : null;
        },
      }),
    }),
  } as unknown as D1Database;
  return { db, asked };
}

describe("the project cache behind POST /v1/conversations", () => {
  it("reads a key's row once per TTL, again after it, and at once after its project is forgotten", async () => {
    const { db, asked } = fakeD1({ pk_a: { id: "prj_a", settings: '{"botName":"A"}' } });
    const t = 1_000_000;
    expect((await projectByPublicKey(db, "pk_a", t))?.settings.botName).toBe("A");
    await projectByPublicKey(db, "pk_a", t + PROJECT_TTL_MS - 1);
    expect(asked).toEqual(["pk_a"]);
    await projectByPublicKey(db, "pk_a", t + PROJECT_TTL_MS);
    expect(asked).toEqual(["pk_a", "pk_a"]);
    forgetProject("prj_a");
    await projectByPublicKey(db, "pk_a", t + PROJECT_TTL_MS + 1);
    expect(asked).toHaveLength(3);
  });

  it("never caches an unknown key", async () => {
    const { db, asked } = fakeD1({});
    expect(await projectByPublicKey(db, "pk_nope", 0)).toBeNull();
    expect(await projectByPublicKey(db, "pk_nope", 1)).toBeNull();
    expect(asked).toEqual(["pk_nope", "pk_nope"]);
  });
});
