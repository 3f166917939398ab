import { createInterface } from "node:readline";
import { loadConfig, ConfigError } from "../config/env.js";
import { logger } from "../config/logger.js";
import { openFromConfig, type Engine } from "../engine/index.js";
import { startBotFromConfig } from "../bot/index.js";

/** Without a Telegram token: a chat in the terminal over the documents folder. */
async function terminalChat(engine: Engine) {
  const docs = engine.documents();
  process.stdout.write(
    `已载入 ${docs.length} 个文件：\n${docs.map((d) => `  · ${d.unit ?? d.doc} ${d.year ?? ""} ${d.kind}`).join("\n")}\n` +
      `请输入问题（例如：曾都区科经局2022年三公经费多少），/docs 列出文件，/quit 退出。\n`,
  );
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: "问> " });
  rl.prompt();
  for await (const line of rl) {
    const q = line.trim();
    if (q === "/quit" || q === "/exit") break;
    if (q === "/docs")
      process.stdout.write(
        docs.map((d) => `${d.doc}: ${d.unit ?? "?"} ${d.year ?? "?"} ${d.kind}`).join("\n") + "\n",
      );
    else if (q) {
      try {
        process.stdout.write(engine.ask(q).reply + "\n");
      } catch (err) {
        logger.error({ err: (err as Error).message }, "question failed");
        process.stdout.write("抱歉，这个问题处理出错了，请换个说法再试。\n");
      }
    }
    rl.prompt();
  }
  rl.close();
}

async function main() {
  const config = loadConfig();
  const { engine, report } = await openFromConfig(config);
  for (const f of report.failed) logger.warn({ file: f.file, reason: f.reason }, "document not loaded");
  if (config.TELEGRAM_BOT_TOKEN) {
    const running = await startBotFromConfig(config, engine);
    await running.done;
  } else {
    void engine.warmUp(); // reads the rest while the person types
    await terminalChat(engine);
  }
}

main().catch((err) => {
  if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
  else logger.fatal({ err: (err as Error).message, stack: (err as Error).stack }, "start failed");
  process.exit(1);
});
