import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { z } from "zod";
import { loadConfig } from "../config/env.js";
import { logger } from "../config/logger.js";
import { openFromConfig } from "../engine/index.js";

const QuestionLine = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  question: z.string(),
});

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      jsonl: { type: "boolean", default: false },
      docs: { type: "string" },
      rebuild: { type: "boolean", default: false },
    },
  });
  const config = loadConfig();
  const { engine } = await openFromConfig(config, { docsDir: values.docs, rebuild: values.rebuild });
  if (values.jsonl) {
    // One JSON line per question on stdout, nothing else (the evaluation contract).
    const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
    for await (const line of rl) {
      if (!line.trim()) continue;
      let id = "";
      try {
        const q = QuestionLine.parse(JSON.parse(line));
        id = q.id;
        process.stdout.write(JSON.stringify({ id, ...engine.ask(q.question) }) + "\n");
      } catch (err) {
        logger.error({ err: (err as Error).message, line: line.slice(0, 200) }, "bad question line");
        process.stdout.write(
          JSON.stringify({ id, status: "not_found", answers: [], reply: "无法读取这一行问题。" }) + "\n",
        );
      }
    }
    return;
  }
  const question = positionals.join(" ").trim();
  if (!question) {
    process.stderr.write(
      'usage: npm run ask -- "曾都区科经局2022年三公经费多少"   |   npm run --silent ask -- --jsonl --docs DIR < questions.jsonl\n',
    );
    process.exitCode = 2;
    return;
  }
  process.stdout.write(engine.ask(question).reply + "\n");
}

main().catch((err) => {
  logger.fatal({ err: (err as Error).message }, "ask failed");
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
});
