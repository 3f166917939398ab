import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { openEngine } from "../../src/engine/index.js";
import { tempDocs } from "../helpers/docs.js";

const doc = ["某县某局2024年部门预算", "一、收支预算", "2024年本部门培训费预算为 12.5 万元。"].join("\n");

describe("the compiled commands (npm run build → dist/, what npm start, ask, ingest and web run)", () => {
  it("build, then answer from the index the TypeScript sources built, without rebuilding it", async () => {
    const build = spawnSync("npm", ["run", "-s", "build"], { encoding: "utf8" });
    expect(build.status, build.stderr).toBe(0);

    const { docsDir, indexDir } = tempDocs({ "a.txt": doc });
    const first = await openEngine({ docsDir, indexDir, intentsDir: "intents" });
    expect(first.report.built?.documents).toBe(1);

    const env = { ...process.env, INDEX_DIR: indexDir, LOG_LEVEL: "warn" };
    const ingest = spawnSync(process.execPath, ["dist/cli/ingest.js", "--docs", docsDir, "--json"], {
      encoding: "utf8",
      env,
    });
    expect(ingest.status, ingest.stderr).toBe(0);
    // The same ingestion code fingerprint compiled or not: nothing is built again.
    expect(JSON.parse(ingest.stdout).built?.documents ?? 0).toBe(0);

    const ask = spawnSync(process.execPath, ["dist/cli/ask.js", "--docs", docsDir, "某县某局2024年培训费"], {
      encoding: "utf8",
      env,
    });
    expect(ask.status, ask.stderr).toBe(0);
    expect(ask.stdout).toContain("12.5");
  }, 60_000);
});
