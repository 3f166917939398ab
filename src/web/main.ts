// `npm run web`: the help desk page and HTTP API on WEB_HOST:WEB_PORT (127.0.0.1:3000).
import { ConfigError } from "../config/env.js";
import { logger } from "../config/logger.js";
import { journalFileOf, openSqliteJournal, type SqliteJournal } from "../journal/index.js";
import { loadWebConfig } from "./config.js";
import { Library } from "./library.js";
import { buildServer } from "./server.js";

async function main() {
  const config = loadWebConfig();
  if (!config.ADMIN_TOKEN)
    logger.warn("ADMIN_TOKEN is not set: uploading documents from the page is disabled");
  const library = await Library.open({
    docsDir: config.DOCS_DIR,
    indexDir: config.INDEX_DIR,
    intentsDir: config.INTENTS_DIR,
  });
  void library.engine.warmUp();
  if (config.ADMIN_TOKEN) void library.warmUploads();
  // The bot's journal (same file, JOURNAL_FILE or INDEX_DIR/journal.sqlite): the questions asked
  // here go to the same questions log as the bot's, read by /stats and GET /api/stats.
  // A journal that cannot be opened costs the log, never the answers.
  const journalFile = journalFileOf(config);
  let journal: SqliteJournal | undefined;
  try {
    journal = openSqliteJournal(journalFile);
  } catch (err) {
    logger.warn(
      { journal: journalFile, err: (err as Error).message },
      "could not open the journal: questions asked here are not logged and /api/stats is unavailable",
    );
  }
  // Questions are kept 90 days even where no bot runs (the bot prunes the same way at its start).
  await journal
    ?.prune(Date.now())
    .catch((err: Error) => logger.warn({ err: err.message }, "could not prune the journal"));
  const app = await buildServer({ library, settings: config, journal });
  app.addHook("onClose", async () => journal?.close());
  const address = await app.listen({ host: config.WEB_HOST, port: config.WEB_PORT });
  logger.info({ address, documents: library.documents().documents.length }, "help desk listening");
  process.stderr.write(`help desk: ${address.replace("0.0.0.0", "127.0.0.1")}/\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, "stopping");
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((err) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  logger.fatal({ err: (err as Error).message }, "web server failed to start");
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
});
