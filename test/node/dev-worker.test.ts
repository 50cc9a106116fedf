import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script without types
import { configFromEnvironment } from "../../scripts/config-env.mjs";
// @ts-expect-error: a plain .mjs script without types
import { parseDevOptions, splitOwnOptions, varBindings } from "../../scripts/dev-worker.mjs";

describe("npm start reads the wrangler dev options it passes to wrangler's dev server", () => {
  it("keeps the runtime's inspector off unless asked for", () => {
    expect(parseDevOptions([]).inspect).toBe(false);
    expect(parseDevOptions(["--inspect"])).toMatchObject({ inspect: true, inspectorPort: undefined });
    expect(parseDevOptions(["--inspector-ip", "127.0.0.1", "--inspector-port", "9230"])).toMatchObject({
      inspect: true,
      inspectorHost: "127.0.0.1",
      inspectorPort: 9230,
    });
    expect(() => parseDevOptions(["--inspector-port", "http"])).toThrow(/port number/);
    expect(parseDevOptions(["--inspect=false"]).inspect).toBe(false);
    expect(parseDevOptions(["--inspect", "false"]).inspect).toBe(false);
    expect(() => parseDevOptions(["--inspect=maybe"])).toThrow(/true or false/);
  });

  it("hides every --var's value, as wrangler dev does, from the bindings table it prints at start", () => {
    expect(varBindings({ TOKEN_SECRET: "s3cret", PUBLIC_URL: "http://127.0.0.1:8787" })).toEqual({
      TOKEN_SECRET: { type: "plain_text", value: "s3cret", hidden: true },
      PUBLIC_URL: { type: "plain_text", value: "http://127.0.0.1:8787", hidden: true },
    });
  });

  it("takes the launcher's own options apart, with or without the `--` that npm strips", () => {
    const names = ["--port", "--persist-to"];
    // "npm start -- --inspect --port 9000": npm passes the arguments without its `--`.
    expect(splitOwnOptions(["--inspect", "--port", "9000"], names)).toEqual({ own: { "--port": "9000" }, rest: ["--inspect"] });
    expect(splitOwnOptions(["--port", "1", "--persist-to", "/tmp/x", "--", "--config", "e2e.toml", "--var", "A:b"], names)).toEqual({
      own: { "--port": "1", "--persist-to": "/tmp/x" },
      rest: ["--config", "e2e.toml", "--var", "A:b"],
    });
    expect(() => splitOwnOptions(["--port"], names)).toThrow(/--port needs a value/);
  });

  it("splits a --var at its first colon, so a URL keeps its own", () => {
    const { vars } = parseDevOptions(["--var", "SLACK_API_URL:http://127.0.0.1:9/api/", "--var=RATE_LIMIT_BURST:100"]);
    expect(vars).toEqual({ SLACK_API_URL: "http://127.0.0.1:9/api/", RATE_LIMIT_BURST: "100" });
    expect(() => parseDevOptions(["--var", "NO_VALUE"])).toThrow(/NAME:value/);
    expect(() => parseDevOptions(["--var"])).toThrow(/needs a value/);
  });

  it("reads every variable npm start takes from the environment", () => {
    const flags = configFromEnvironment({ SLACK_BOT_TOKEN: "xoxb-1", OPENAI_API_KEY: "sk-x" });
    expect(parseDevOptions(flags).vars).toEqual({ SLACK_BOT_TOKEN: "xoxb-1", OPENAI_API_KEY: "sk-x" });
  });

  it("takes a config, minify and a log level in wrangler dev's spellings", () => {
    expect(parseDevOptions(["--config", "test/e2e/wrangler.toml"]).config).toBe("test/e2e/wrangler.toml");
    expect(parseDevOptions(["--config=x.toml"]).config).toBe("x.toml");
    expect(parseDevOptions(["--minify=false"]).minify).toBe(false);
    expect(parseDevOptions(["--no-minify"]).minify).toBe(false);
    expect(parseDevOptions(["--minify"]).minify).toBe(true);
    expect(parseDevOptions(["--minify", "false"]).minify).toBe(false);
    expect(parseDevOptions(["--minify", "--inspect"])).toMatchObject({ minify: true, inspect: true });
    expect(parseDevOptions([]).minify).toBeUndefined();
    expect(parseDevOptions(["--log-level", "warn"]).logLevel).toBe("warn");
    expect(() => parseDevOptions(["--log-level", "loud"])).toThrow(/log-level takes one of/);
    expect(() => parseDevOptions(["--minify=maybe"])).toThrow(/true or false/);
  });

  it("refuses an option it does not know, naming the ones it does, instead of dropping it", () => {
    expect(() => parseDevOptions(["--local-protocol", "https"])).toThrow(/unsupported option --local-protocol: this launcher takes --var NAME:value/);
  });
});
