// Worker thread of buildDocuments: builds one document per task and returns its catalog entry
// (the model and tokens only when they could not be written, so little crosses the thread).
import { workerData } from "node:worker_threads";
import { addUserWords } from "../search/tokenizer.js";
import { IndexStore } from "../store/index-store.js";
import { buildDocument, type BuildResult, type WorkerInput } from "./build.js";

const input = workerData as WorkerInput;
const store = new IndexStore(input.indexDir, input.docsDir);
addUserWords(input.userWords);

export default function build(path: string): BuildResult {
  const result = buildDocument(path, store);
  if (!result.ok || !result.saved) return result;
  return { ok: true, entry: result.entry, saved: true };
}
