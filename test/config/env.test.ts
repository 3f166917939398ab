// Configuration errors are one clear message, never a stack trace.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/env.js";

describe("configuration", () => {
  it("validates LOG_LEVEL like every other setting", () => {
    expect(() => loadConfig({ LOG_LEVEL: "verbose" })).toThrow(
      /LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent/,
    );
    expect(loadConfig({ LOG_LEVEL: "debug" }).LOG_LEVEL).toBe("debug");
  });

  it("LOG_LEVEL=verbose stops `npm start` with the clear message and no stack trace (regression: pino crashed at import)", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "src/cli/start.ts"], {
      env: { ...process.env, LOG_LEVEL: "verbose", TELEGRAM_BOT_TOKEN: "", DOCS_DIR: "seeds" },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("Invalid configuration:\n  LOG_LEVEL: must be one of");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("reads the journal, upload and stop settings with their defaults", () => {
    const c = loadConfig({});
    expect(c.JOURNAL_FILE).toBeUndefined();
    expect(c.UPLOAD_MAX_MB).toBe(20);
    expect(c.STOP_TIMEOUT_SECONDS).toBe(25);
    expect(() => loadConfig({ STOP_TIMEOUT_SECONDS: "0" })).toThrow(/STOP_TIMEOUT_SECONDS/);
  });
});
