// Entry point for the CLI: builds the bot from the validated configuration and runs it.
import { ConfigError, type AppConfig } from "../config/env.js";
import { logger as rootLogger, type Logger } from "../config/logger.js";
import { openFromConfig, type Engine, type IngestReport } from "../engine/index.js";
import { createBot } from "./bot.js";
import { startPolling, startWebhook, type RunningBot } from "./run.js";

export interface StartBotOptions {
  /** Stop gracefully on SIGINT/SIGTERM (default true); a second signal exits at once. */
  handleSignals?: boolean;
  /** Opens a fresh engine for /reload; default re-reads DOCS_DIR with openEngine (rebuild). */
  reopenEngine?: () => Promise<{ engine: Engine; report: IngestReport }>;
  logger?: Logger;
}

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
  const reopen = options.reopenEngine ?? (() => openFromConfig(config, { rebuild: true }));
  const app = createBot({
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

  const running = config.WEBHOOK_URL
    ? await startWebhook(app, {
        url: config.WEBHOOK_URL,
        secret: config.WEBHOOK_SECRET,
        port: config.PORT,
        logger: log,
      })
    : await startPolling(app, { logger: log });

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
