// Worker thread of the help desk's uploads: builds one uploaded document (the same build as the
// engine's: ingest → model, jieba → tokens, both persisted) and returns its catalog entry. Its
// `warm` task loads pdf.js and jieba ahead of the first upload, which otherwise waits seconds.
import { workerData } from "node:worker_threads";
import { buildDocument, type BuildResult, type WorkerInput } from "../engine/build.js";
import { readPdf } from "../ingest/index.js";
import { addUserWords, warmTokenizer } from "../search/tokenizer.js";
import { IndexStore } from "../store/index-store.js";

const input = workerData as WorkerInput;
const store = new IndexStore(input.indexDir, input.docsDir);
addUserWords(input.userWords);

export default async function build(path: string): Promise<BuildResult> {
  const result = await buildDocument(path, store);
  if (!result.ok) return result;
  if (!result.saved)
    return {
      ok: false,
      file: path,
      reason: "the index files could not be written (disk full or no permission?)",
    };
  return { ok: true, entry: result.entry, saved: true };
}

/** A one-page PDF with one line of text, assembled with a correct cross-reference table. */
function tinyPdf(): Buffer {
  const content = "BT /F1 12 Tf 72 720 Td (warm) Tj ET";
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
  ];
  let out = "%PDF-1.4\n";
  const offsets = objects.map((o, i) => {
    const at = out.length;
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
    return at;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) out += `${String(off).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, "latin1");
}

export async function warm(): Promise<boolean> {
  warmTokenizer();
  await readPdf(tinyPdf());
  return true;
}
