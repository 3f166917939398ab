// Worker thread of buildDocuments: builds one document per task and returns its catalog entry
// (the model and tokens only when they could not be written, so little crosses the thread).
// Started alone with `once` (see buildDocumentSync), it builds that one document, posts the whole
// result and wakes the thread waiting for it.
import { basename } from "node:path";
import { workerData } from "node:worker_threads";
import { addUserWords, warmTokenizer } from "../search/tokenizer.js";
import { IndexStore } from "../store/index-store.js";
import { buildDocument, type BuildResult, type WorkerInput } from "./build.js";

const input = workerData as WorkerInput;
const store = new IndexStore(input.indexDir, input.docsDir);
addUserWords(input.userWords);
// jieba's dictionary takes seconds to load: load it now, while the pool is handed its first tasks.
if (!input.once) warmTokenizer();

export default async function build(path: string): Promise<BuildResult> {
  const result = await buildDocument(path, store);
  if (!result.ok || !result.saved) return result;
  return { ok: true, entry: result.entry, saved: true };
}

if (input.once) {
  const { path, port, signal } = input.once;
  const done = (result: BuildResult) => {
    port.postMessage(result);
    Atomics.store(signal, 0, 1);
    Atomics.notify(signal, 0);
  };
  buildDocument(path, store).then(done, (err: unknown) =>
    done({ ok: false, file: basename(path), reason: `could not rebuild: ${(err as Error).message}` }),
  );
}
