import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import type { AnsweringWords } from "../../src/lexicon/index.js";

/**
 * A made-up intents folder: a copy of `intents/` whose answering words
 * (intents/lexicon/answering.yaml) are changed by `edit`.
 */
export function intentsWith(edit: (words: AnsweringWords) => void): string {
  const dir = mkdtempSync(join(tmpdir(), "lex-words-"));
  cpSync("intents", dir, { recursive: true });
  const file = join(dir, "lexicon", "answering.yaml");
  const data = parse(readFileSync(file, "utf8")) as { answering: AnsweringWords };
  edit(data.answering);
  writeFileSync(file, stringify(data));
  return dir;
}
