import { mkdtempSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A temporary folder with the given documents (name → text or bytes). */
export function tempDocs(files: Record<string, string | Uint8Array>): { docsDir: string; indexDir: string } {
  const root = mkdtempSync(join(tmpdir(), "budget-qa-"));
  const docsDir = join(root, "docs");
  const indexDir = join(root, "index");
  mkdirSync(docsDir);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(docsDir, name), content);
  return { docsDir, indexDir };
}

export const tempIndexDir = () => mkdtempSync(join(tmpdir(), "budget-qa-index-"));
