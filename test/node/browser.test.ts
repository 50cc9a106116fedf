import { describe, expect, it } from "vitest";
import { browserAvailability, chromiumPath } from "../e2e/browser";

describe("whether the browser tests run", () => {
  it("uses Debian's Chromium unless CHROMIUM_PATH says otherwise", () => {
    expect(chromiumPath({})).toBe("/usr/bin/chromium");
    expect(chromiumPath({ CHROMIUM_PATH: "/opt/chromium" })).toBe("/opt/chromium");
  });

  it("runs when the browser exists", () => {
    expect(browserAvailability({ CHROMIUM_PATH: process.execPath })).toEqual({ run: true });
  });

  it("a newcomer without Chromium is told how to install it, and the run goes on", () => {
    const result = browserAvailability({ CHROMIUM_PATH: "/nonexistent/chromium" });
    expect(result).toMatchObject({ run: false, fatal: false });
    expect(!result.run && result.message).toMatch(/skipped.*apt-get install -y chromium/);
  });

  it("under CI a missing browser fails the run, never a silent skip", () => {
    for (const CI of ["true", "1"]) {
      const result = browserAvailability({ CHROMIUM_PATH: "/nonexistent/chromium", CI });
      expect(result).toMatchObject({ run: false, fatal: true });
    }
  });
});
