import { beforeAll, expect } from "vitest";
import { openEngine, type Engine } from "../../src/engine/index.js";
import { compact } from "../../src/ingest/index.js";
import { tempDocs } from "./docs.js";

/**
 * An engine over one made-up document, opened before the file's tests, and `answer(question)`:
 * the reply and its first item, whose quote must be printed in the document (whitespace aside;
 * a computed answer's quote is its formula, checked only when `computed` is "quoted").
 */
export function documentAnswerer(file: string, doc: string, computed: "quoted" | "not quoted" = "quoted") {
  let engine: Engine | undefined;
  const text = compact(doc);
  beforeAll(async () => {
    const { docsDir, indexDir } = tempDocs({ [file]: doc });
    ({ engine } = await openEngine({ docsDir, indexDir, intentsDir: "intents" }));
  });
  const opened = () => {
    if (!engine) throw new Error("the engine opens in beforeAll: ask from inside a test");
    return engine;
  };
  return {
    get engine(): Engine {
      return opened();
    },
    answer(question: string) {
      const r = opened().ask(question);
      const a = r.answers[0];
      if (a && (computed === "quoted" || a.source !== "computed")) expect(text).toContain(compact(a.quote));
      return { r, a };
    },
  };
}
