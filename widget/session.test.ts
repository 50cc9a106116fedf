import { afterEach, describe, expect, it } from "vitest";
import { loadSaved, pageInfo, retryAfterMs, saveState, socketUrl, type Session } from "./session";

const session: Session = { conversationId: "c_1", visitorToken: "tok.sig", socketUrl: "/v1/conversations/c_1/socket?token=tok.sig" };

describe("the socket URL", () => {
  it.each([
    { name: "an http API opens ws:", api: "http://127.0.0.1:8787", since: 0, url: "ws://127.0.0.1:8787/v1/conversations/c_1/socket?token=tok.sig&since=0" },
    {
      name: "an https API opens wss:",
      api: "https://chat.example.com",
      since: 12,
      url: "wss://chat.example.com/v1/conversations/c_1/socket?token=tok.sig&since=12",
    },
  ])("$name", ({ api, since, url }) => {
    expect(socketUrl(session, api, since)).toBe(url);
  });

  it("replaces `since` on every attempt instead of appending another", () => {
    const once = socketUrl(session, "https://chat.example.com", 3);
    expect(socketUrl({ ...session, socketUrl: once }, "https://chat.example.com", 9)).toBe(
      "wss://chat.example.com/v1/conversations/c_1/socket?token=tok.sig&since=9",
    );
  });

  it("keeps an absolute socket URL's own host", () => {
    expect(socketUrl({ ...session, socketUrl: "https://edge.example.net/v1/x/socket?token=t" }, "https://chat.example.com", 1)).toBe(
      "wss://edge.example.net/v1/x/socket?token=t&since=1",
    );
  });
});

describe("the saved conversation", () => {
  const store = new Map<string, string>();
  const memoryStorage = {
    getItem: (key: string) => store.get(key) ?? null,
    setItem: (key: string, value: string) => void store.set(key, value),
  };
  afterEach(() => {
    store.clear();
    Reflect.deleteProperty(globalThis, "localStorage");
  });

  it("round-trips per project key", () => {
    Object.assign(globalThis, { localStorage: memoryStorage });
    const outbox = [{ clientId: "a", text: "hi", at: "2026-05-04T10:00:00.000Z", status: "pending" as const }];
    saveState("pk_a", { session, outbox, readSeq: 4 });
    expect(loadSaved("pk_a")).toEqual({ session, outbox, readSeq: 4 });
    expect(loadSaved("pk_b")).toEqual({ outbox: [], readSeq: 0 });
  });

  it("remembers how the bot introduced itself, and drops a malformed one", () => {
    Object.assign(globalThis, { localStorage: memoryStorage });
    const bot = { name: "Northwind assistant", greeting: "Hi! <b>Ask</b> me anything." };
    saveState("pk_a", { session, outbox: [], readSeq: 2, bot });
    expect(loadSaved("pk_a")).toEqual({ session, outbox: [], readSeq: 2, bot });
    store.set("baton:pk_a", JSON.stringify({ readSeq: 2, bot: { name: 42, greeting: "hi" } }));
    expect(loadSaved("pk_a")).toEqual({ outbox: [], readSeq: 2 });
  });

  it.each([
    { name: "garbage", raw: "{not json" },
    { name: "a JSON string", raw: '"hello"' },
    { name: "a session with missing fields", raw: JSON.stringify({ session: { conversationId: "c_1" } }) },
    { name: "an outbox that is not a list", raw: JSON.stringify({ outbox: { clientId: "a" } }) },
  ])("tolerates $name", ({ raw }) => {
    Object.assign(globalThis, { localStorage: memoryStorage });
    store.set("baton:pk_a", raw);
    expect(loadSaved("pk_a")).toEqual({ outbox: [], readSeq: 0 });
  });

  it("drops malformed outbox entries and retries failed ones after a reload", () => {
    Object.assign(globalThis, { localStorage: memoryStorage });
    store.set(
      "baton:pk_a",
      JSON.stringify({ outbox: [{ clientId: "a", text: "hi", at: "t", status: "failed", error: "x" }, { clientId: 1, text: "bad" }, null] }),
    );
    expect(loadSaved("pk_a").outbox).toEqual([{ clientId: "a", text: "hi", at: "t", status: "pending" }]);
  });

  it("works without storage at all (privacy modes, sandboxed frames)", () => {
    expect(() => saveState("pk_a", { outbox: [], readSeq: 0 })).not.toThrow();
    expect(loadSaved("pk_a")).toEqual({ outbox: [], readSeq: 0 });
  });
});

describe("what the widget says about the page", () => {
  it("sends http(s) URLs only: never javascript:, data:, file: or about:", () => {
    expect(pageInfo("https://shop.example/p?x=1", "Shop", "http://ref.example/")).toEqual({
      url: "https://shop.example/p?x=1",
      title: "Shop",
      referrer: "http://ref.example/",
    });
    for (const bad of ["javascript:alert(1)", "data:text/html,<b>x</b>", "file:///etc/passwd", "about:srcdoc", "", " https://x"]) {
      expect(pageInfo(bad, "t", bad)).toEqual({ title: "t" });
    }
  });

  it("cuts the title and leaves out a URL longer than the server takes", () => {
    expect(pageInfo(`https://x.example/${"a".repeat(2000)}`, "t".repeat(400), "").title).toHaveLength(300);
    expect(pageInfo(`https://x.example/${"a".repeat(2000)}`, "t", "").url).toBeUndefined();
  });
});

describe("a logged-in visitor's saved conversation", () => {
  const store = new Map<string, string>();
  afterEach(() => store.clear());

  it("is kept apart per user: the next person on this browser does not resume it", () => {
    Object.assign(globalThis, { localStorage: { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) } });
    saveState("pk_a", { session, outbox: [], readSeq: 1 }, "user-1");
    expect(loadSaved("pk_a", "user-1").session).toEqual(session);
    expect(loadSaved("pk_a", "user-2").session).toBeUndefined();
    expect(loadSaved("pk_a").session).toBeUndefined();
  });
});

describe("a refusal's Retry-After", () => {
  it.each([
    { header: "30", ms: 30_000 },
    { header: " 7 ", ms: 7_000 },
    { header: "0", ms: 0 },
    { header: "86400", ms: 300_000 },
    { header: null, ms: undefined },
    { header: "", ms: undefined },
    { header: "-5", ms: undefined },
    { header: "Wed, 21 Oct 2026 07:28:00 GMT", ms: undefined },
  ])("$header is $ms ms", ({ header, ms }) => {
    expect(retryAfterMs(header)).toBe(ms);
  });
});
