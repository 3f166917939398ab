import { readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openEngine } from "../../src/engine/index.js";
import { tempDocs } from "../helpers/docs.js";

const doc = (figure: string) =>
  ["某县某局2024年部门预算", "一、收支预算", `2024年本部门培训费预算为 ${figure} 万元。`].join("\n");

describe("start-up stamps (size, time, sidecar, code) instead of reading every document", () => {
  it("an unchanged document keeps its entry; one rewritten to the same size is read again", async () => {
    const { docsDir, indexDir } = tempDocs({ "a.txt": doc("12.5") });
    const first = await openEngine({ docsDir, indexDir, intentsDir: "intents" });
    expect(first.engine.ask("某县某局2024年培训费").answers[0]?.value).toBe("12.5");
    const folder = readdirSync(indexDir).find((f) => !f.startsWith("."))!;
    const catalog = readFileSync(join(indexDir, folder, "catalog.json"), "utf8");
    expect(catalog).toContain('"stamp"');

    const again = await openEngine({ docsDir, indexDir, intentsDir: "intents" });
    expect(again.report.built?.documents).toBe(0);

    // Same size, new figure, a later modification time: rebuilt, the new figure answered.
    writeFileSync(join(docsDir, "a.txt"), doc("13.5"));
    const later = new Date(Date.now() + 5000);
    utimesSync(join(docsDir, "a.txt"), later, later);
    const changed = await openEngine({ docsDir, indexDir, intentsDir: "intents" });
    expect(changed.report.built?.documents).toBe(1);
    expect(changed.engine.ask("某县某局2024年培训费").answers[0]?.value).toBe("13.5");
  });
});
