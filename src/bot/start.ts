// Entry point for the CLI: builds the bot from the validated configuration and runs it.
import { ConfigError, type AppConfig } from "../config/env.js";
import { logger as rootLogger, type Logger } from "../config/logger.js";
import { join } from "node:path";
import { openFromConfig, type Engine, type IngestReport } from "../engine/index.js";
import { openSqliteJournal, type Journal } from "../journal/index.js";
import { createBot } from "./bot.js";
import { startPolling, startWebhook, type RunningBot } from "./run.js";

export interface StartBotOptions {
  /** Stop gracefully on SIGINT/SIGTERM (default true); a second signal exits at once. */
  handleSignals?: boolean;
  /** Opens a fresh engine for /reload; default re-reads DOCS_DIR with openEngine (rebuild). */
  reopenEngine?: () => Promise<{ engine: Engine; report: IngestReport }>;
  /** The journal to use; default the SQLite file JOURNAL_FILE (INDEX_DIR/journal.sqlite). */
  journal?: Journal;
  logger?: Logger;
}

/** Where the journal is kept: JOURNAL_FILE, else journal.sqlite in the index folder. */
export const journalPath = (config: AppConfig) =>
  config.JOURNAL_FILE ?? join(config.INDEX_DIR, "journal.sqlite");

/**
 * Starts the Telegram bot with `engine` (already opened by the caller): webhook mode when
 * WEBHOOK_URL is set, long polling otherwise. Resolves once the bot is receiving updates.
 */
export async function startBotFromConfig(
  config: AppConfig,
  engine: Engine,
  options: StartBotOptions = {},
): Promise<RunningBot> {
  const log = options.logger ?? rootLogger;
  if (!config.TELEGRAM_BOT_TOKEN) throw new ConfigError("TELEGRAM_BOT_TOKEN is not set");

  let current = engine;
  const warm = (e: Engine) =>
    void e.warmUp().catch((err: unknown) => log.warn({ err: (err as Error).message }, "warm-up stopped"));
  warm(engine);
  // Rebuilt in worker threads whatever the number of documents: questions keep being answered
  // from the current engine until the new one is swapped in.
  const reopen = options.reopenEngine ?? (() => openFromConfig(config, { workers: "always" }));
  const journal = options.journal ?? openSqliteJournal(journalPath(config));
  const app = createBot({
    journal,
    intake: { docsDir: config.DOCS_DIR, maxBytes: config.UPLOAD_MAX_MB * 1024 * 1024 },
    token: config.TELEGRAM_BOT_TOKEN,
    apiRoot: config.TELEGRAM_API_ROOT?.replace(/\/+$/, ""),
    getEngine: () => current,
    reload: async () => {
      const { engine: next, report } = await reopen();
      current = next; // atomic swap: questions in hand keep the engine they started with
      warm(next);
      return report;
    },
    config,
    logger: log,
  });

  const starting = config.WEBHOOK_URL
    ? startWebhook(app, {
        url: config.WEBHOOK_URL,
        secret: config.WEBHOOK_SECRET,
        port: config.PORT,
        stopTimeoutMs: config.STOP_TIMEOUT_SECONDS * 1000,
        logger: log,
      })
    : startPolling(app, { logger: log, stopTimeoutMs: config.STOP_TIMEOUT_SECONDS * 1000 });
  const running = await starting.catch(async (err: unknown) => {
    if (!options.journal) await journal.close();
    throw err;
  });
  const closeJournal = () => {
    if (!options.journal) void journal.close();
  };
  running.done.then(closeJournal, closeJournal);

  if (options.handleSignals !== false) {
    let stopRequested = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopRequested) {
        log.warn({ signal }, "second signal: exiting without waiting");
        process.exit(130);
      }
      stopRequested = true;
      log.info({ signal }, "stopping the bot");
      running.stop().catch((err: unknown) => log.error({ err }, "error while stopping"));
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    const removeHandlers = () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    };
    running.done.then(removeHandlers, removeHandlers);
  }
  return running;
}
