// Running the bot: long polling (grammY runner) or webhook (node:http), both with a graceful stop.
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { run } from "@grammyjs/runner";
import { webhookCallback, type Api } from "grammy";
import { logger as rootLogger, type Logger } from "../config/logger.js";
import { ALLOWED_UPDATES, type BudgetBot } from "./bot.js";

export interface RunningBot {
  /**
   * Stops taking updates, lets the updates in hand finish (up to the stop timeout) and, when
   * polling, confirms them to Telegram so none is delivered — and answered — again. Idempotent.
   */
  stop(): Promise<void>;
  /** Settles once the bot has stopped: resolves after stop(), rejects if it failed for good (bad token…). */
  readonly done: Promise<void>;
  /** Webhook mode: the port the HTTP server listens on. */
  readonly port?: number;
}

export interface PollingOptions {
  /** getUpdates long-poll timeout in seconds (default 30). */
  pollTimeoutSeconds?: number;
  /** How long stop() waits for the updates in hand (default 30 s). */
  stopTimeoutMs?: number;
  logger?: Logger;
}

export interface WebhookOptions {
  /** Public HTTPS URL Telegram posts updates to; the server answers on its path. */
  url: string;
  /** X-Telegram-Bot-Api-Secret-Token; a random one is used when absent. */
  secret?: string;
  port: number;
  host?: string;
  stopTimeoutMs?: number;
  logger?: Logger;
}

const DEFAULT_STOP_TIMEOUT_MS = 30_000;

// grammY types signals with the abort-controller shim; the native one is what it gets at runtime.
const timeoutSignal = (ms: number) => AbortSignal.timeout(ms) as unknown as Parameters<Api["getUpdates"]>[1];

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until `isIdle()` holds or the deadline passes (then warns and gives up). */
async function drain(isIdle: () => boolean, whenIdle: () => Promise<void>, timeoutMs: number, log: Logger) {
  const deadline = Date.now() + timeoutMs;
  while (!isIdle()) {
    const left = deadline - Date.now();
    if (left <= 0) {
      log.warn("stop timeout reached with updates still in hand; Telegram will deliver those again");
      return;
    }
    await Promise.race([whenIdle(), sleep(Math.min(left, 50))]);
  }
}

/** Long polling with @grammyjs/runner: chats are handled concurrently, each chat's updates in order. */
export async function startPolling(app: BudgetBot, options: PollingOptions = {}): Promise<RunningBot> {
  const log = (options.logger ?? rootLogger).child({ module: "bot" });
  const { bot } = app;
  await bot.init(); // getMe: fails fast on a bad token
  // A webhook left by an earlier deployment would make getUpdates fail with 409.
  await bot.api.deleteWebhook({ drop_pending_updates: false });
  await app.registerCommands().catch((err: unknown) => log.warn({ err }, "setMyCommands failed"));

  const handle = run(bot, {
    runner: {
      fetch: { timeout: options.pollTimeoutSeconds ?? 30, allowed_updates: ALLOWED_UPDATES },
      silent: true, // failed calls are already logged by the bot's API transformer
    },
  });
  const task = handle.task();
  log.info({ username: bot.botInfo.username }, "bot started (long polling)");

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await handle.stop(); // aborts the pending getUpdates; fetched updates are all handed over
      await drain(
        () => handle.size() === 0 && app.isIdle(),
        () => app.whenIdle(),
        options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS,
        log,
      );
      // The runner confirms a batch only with its next getUpdates: confirm what was handled now.
      const offset = app.confirmedOffset();
      if (offset !== undefined) {
        await bot.api
          .getUpdates(
            { offset, limit: 1, timeout: 0, allowed_updates: ALLOWED_UPDATES },
            timeoutSignal(5_000),
          )
          .catch((err: unknown) => log.warn({ err }, "could not confirm the handled updates"));
      }
      log.info("bot stopped");
    })());

  const done = (task ?? Promise.resolve()).then(
    async () => {
      if (stopping) await stopping;
    },
    async (err: unknown) => {
      log.fatal({ err }, "long polling failed");
      await stop().catch(() => undefined);
      throw err;
    },
  );
  return { stop, done };
}

/** Webhook mode: a node:http server on the URL's path, checking Telegram's secret token header. */
export async function startWebhook(app: BudgetBot, options: WebhookOptions): Promise<RunningBot> {
  const log = (options.logger ?? rootLogger).child({ module: "bot" });
  const { bot } = app;
  await bot.init();
  const secretToken = options.secret ?? randomBytes(32).toString("base64url");
  const path = new URL(options.url).pathname;
  // onTimeout "return": answer Telegram with 200 and keep working, rather than letting it
  // re-deliver (and us answer twice) an update that is merely slow, e.g. waiting out a 429.
  const handleWebhook = webhookCallback(bot, "http", {
    secretToken,
    onTimeout: "return",
    timeoutMilliseconds: 8_000,
  });

  let stopping: Promise<void> | undefined;
  const server = createServer((req, res) => {
    const reqPath = new URL(req.url ?? "/", "http://localhost").pathname;
    if (req.method === "GET" && reqPath === "/healthz") {
      res.writeHead(200, { "Content-Type": "text/plain" }).end("ok");
    } else if (req.method !== "POST" || reqPath !== path) {
      res.writeHead(404).end();
    } else if (stopping) {
      res.writeHead(503).end(); // Telegram retries later, to whichever instance is up
    } else {
      handleWebhook(req, res).catch((err: unknown) => {
        log.warn({ err }, "bad webhook request");
        if (!res.headersSent) res.writeHead(400).end();
      });
    }
  });
  server.listen(options.port, options.host ?? "0.0.0.0");
  await once(server, "listening");
  const port = (server.address() as AddressInfo).port;

  try {
    await app.registerCommands().catch((err: unknown) => log.warn({ err }, "setMyCommands failed"));
    await bot.api.setWebhook(options.url, {
      secret_token: secretToken,
      allowed_updates: ALLOWED_UPDATES,
      drop_pending_updates: false,
    });
  } catch (err) {
    server.close();
    throw err;
  }
  log.info({ username: bot.botInfo.username, port, path }, "bot started (webhook)");

  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  const stop = () =>
    (stopping ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await drain(
        () => app.isIdle(),
        () => app.whenIdle(),
        options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS,
        log,
      );
      server.closeAllConnections();
      await closed;
      // The webhook stays registered: Telegram keeps updates until an instance is back.
      log.info("bot stopped");
      resolveDone();
    })());
  return { stop, done, port };
}
