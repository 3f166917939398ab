// Running the bot: long polling or webhook (node:http), both with a graceful stop. In both, an
// update is recorded in the journal before Telegram is told it arrived: polling asks for the next
// batch (which confirms this one) only after the journal has it; the webhook answers 200 only then.
import { randomBytes, timingSafeEqual } from "node:crypto";
import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { GrammyError, type Api } from "grammy";
import { logger as rootLogger, type Logger } from "../config/logger.js";
import { ALLOWED_UPDATES, type BudgetBot } from "./bot.js";

export interface RunningBot {
  /**
   * Stops taking updates, lets the updates in hand and the replies waiting finish (the whole stop
   * takes at most the stop timeout, 30 s by default) and leaves the rest in the journal. Idempotent.
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
  /** How long a stop may take in all (default 30 s). */
  stopTimeoutMs?: number;
  /** A 409 Conflict this soon after start makes this instance give way (default 15 s). */
  conflictAtStartMs?: number;
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

/** Another instance polls with this token (Telegram answered 409 Conflict). */
export class ConflictError extends Error {}

const DEFAULT_STOP_TIMEOUT_MS = 30_000;
/** Part of the stop timeout kept for confirming the handled updates to Telegram. */
const CONFIRM_MS = 2_000;
/** A 409 this soon after start means an instance was already polling: this one gives way. */
const CONFLICT_AT_START_MS = 15_000;
/** Largest webhook body read (Telegram's updates are a few kB). */
export const MAX_WEBHOOK_BODY = 1024 * 1024;
/** How much of a refused oversized body is read (and discarded) before the connection is cut. */
const DISCARD_LIMIT = 8 * 1024 * 1024;

// grammY types signals with the abort-controller shim; the native one is what it gets at runtime.
type ApiSignal = Parameters<Api["getUpdates"]>[1];
const asSignal = (s: AbortSignal) => s as unknown as ApiSignal;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });

/** Long polling: each batch is recorded in the journal before the next getUpdates confirms it. */
export async function startPolling(app: BudgetBot, options: PollingOptions = {}): Promise<RunningBot> {
  const log = (options.logger ?? rootLogger).child({ module: "bot" });
  const { bot } = app;
  await bot.init(); // getMe: fails fast on a bad token
  // A webhook left by an earlier deployment would make getUpdates fail with 409.
  await bot.api.deleteWebhook({ drop_pending_updates: false });
  await app.registerCommands().catch((err: unknown) => log.warn({ err }, "setMyCommands failed"));
  await app.resume();

  const startedAt = Date.now();
  const timeout = options.pollTimeoutSeconds ?? 30;
  const stopTimeoutMs = options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
  const abort = new AbortController();
  let offset: number | undefined;
  let stopping: Promise<void> | undefined;

  const loop = (async () => {
    let failures = 0;
    let conflictSince: number | undefined;
    while (!abort.signal.aborted) {
      let updates: Array<{ update_id: number }>;
      try {
        updates = await bot.api.getUpdates(
          { offset, limit: 100, timeout, allowed_updates: ALLOWED_UPDATES },
          asSignal(abort.signal),
        );
      } catch (err) {
        if (abort.signal.aborted) break;
        if (err instanceof GrammyError && err.error_code === 409) {
          if (Date.now() - startedAt < (options.conflictAtStartMs ?? CONFLICT_AT_START_MS))
            throw new ConflictError(
              "another instance is already polling with this token: this one stops and the running one keeps serving",
            );
          conflictSince ??= Date.now();
          if (Date.now() - conflictSince > 60_000)
            throw new ConflictError(
              "another instance has been polling with this token for a minute: stopping",
            );
          log.warn("another instance polled with this token (409): the newer one stops; polling again");
          await sleep(1_000, abort.signal);
          continue;
        }
        if (err instanceof GrammyError && (err.error_code === 401 || err.error_code === 404)) throw err;
        failures++;
        const wait = Math.min(30_000, 500 * 2 ** Math.min(failures, 6));
        log.warn({ err, wait }, "getUpdates failed: polling again");
        await sleep(wait, abort.signal);
        continue;
      }
      failures = 0;
      conflictSince = undefined;
      if (updates.length === 0) continue;
      // Durable before the next getUpdates (with the higher offset) tells Telegram they arrived.
      try {
        await app.accept(updates);
      } catch (err) {
        if (abort.signal.aborted) break;
        log.error({ err }, "could not record updates in the journal: not confirming them");
        await sleep(1_000, abort.signal);
        continue;
      }
      offset = updates[updates.length - 1]!.update_id + 1;
    }
  })();
  log.info({ username: bot.botInfo.username }, "bot started (long polling)");

  const stop = () =>
    (stopping ??= (async () => {
      const deadline = Date.now() + stopTimeoutMs;
      abort.abort(); // ends the pending getUpdates
      await loop.catch(() => undefined);
      await app.drain(deadline - CONFIRM_MS);
      // Every update fetched is in the journal: tell Telegram, so it does not deliver them again.
      if (offset !== undefined) {
        const left = Math.max(200, Math.min(CONFIRM_MS, deadline - Date.now()));
        await bot.api
          .getUpdates(
            { offset, limit: 1, timeout: 0, allowed_updates: ALLOWED_UPDATES },
            asSignal(AbortSignal.timeout(left)),
          )
          .catch((err: unknown) => log.warn({ err }, "could not confirm the handled updates"));
      }
      log.info("bot stopped");
    })());

  const done = loop.then(
    async () => {
      if (stopping) await stopping;
    },
    async (err: unknown) => {
      if (err instanceof ConflictError) log.fatal(err.message);
      else log.fatal({ err }, "long polling failed");
      await stop().catch(() => undefined);
      throw err;
    },
  );
  return { stop, done };
}

const sameSecret = (given: string | string[] | undefined, expected: Buffer) => {
  if (typeof given !== "string") return false;
  const g = Buffer.from(given);
  return g.length === expected.length && timingSafeEqual(g, expected);
};

/** Reads a request body of at most `limit` bytes; null when it is larger. */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Answers 413 and reads (without keeping) a little more of the body so the client sees it, then cuts. */
function refuseTooLarge(req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(413, { "Content-Type": "text/plain", Connection: "close" }).end("request body too large");
  let discarded = 0;
  req.on("data", (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > DISCARD_LIMIT) req.destroy();
  });
  req.resume();
}

/** Webhook mode: a node:http server on the URL's path, checking Telegram's secret token header. */
export async function startWebhook(app: BudgetBot, options: WebhookOptions): Promise<RunningBot> {
  const log = (options.logger ?? rootLogger).child({ module: "bot" });
  const { bot } = app;
  await bot.init();
  const secretToken = options.secret ?? randomBytes(32).toString("base64url");
  const secret = Buffer.from(secretToken);
  const path = new URL(options.url).pathname;
  const stopTimeoutMs = options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;

  let stopping: Promise<void> | undefined;
  const onUpdate = async (req: IncomingMessage, res: ServerResponse) => {
    if (!sameSecret(req.headers["x-telegram-bot-api-secret-token"], secret)) {
      res.writeHead(401).end();
      req.resume();
      return;
    }
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > MAX_WEBHOOK_BODY) {
      log.warn({ bytes: declared }, "webhook body too large: refused");
      return refuseTooLarge(req, res);
    }
    const body = await readBody(req, MAX_WEBHOOK_BODY);
    if (body === null) {
      log.warn("webhook body too large: refused");
      return refuseTooLarge(req, res);
    }
    let update: unknown;
    try {
      update = JSON.parse(body.toString("utf8"));
    } catch {
      update = undefined;
    }
    if (
      typeof update !== "object" ||
      update === null ||
      !Number.isSafeInteger((update as { update_id?: unknown }).update_id)
    ) {
      log.warn("webhook body is not an update: refused");
      res.writeHead(400).end();
      return;
    }
    // 200 only once the journal has it: a failure here makes Telegram deliver it again.
    await app.accept([update]);
    res.writeHead(200, { "Content-Type": "application/json" }).end("{}");
  };
  const server = createServer((req, res) => {
    const reqPath = new URL(req.url ?? "/", "http://localhost").pathname;
    if (req.method === "GET" && reqPath === "/healthz") {
      res.writeHead(200, { "Content-Type": "text/plain" }).end("ok");
    } else if (req.method !== "POST" || reqPath !== path) {
      res.writeHead(404).end();
      req.resume();
    } else if (stopping) {
      res.writeHead(503).end(); // Telegram retries later, to whichever instance is up
      req.resume();
    } else {
      onUpdate(req, res).catch((err: unknown) => {
        log.error({ err }, "could not record a webhook update");
        if (!res.headersSent) res.writeHead(500).end();
      });
    }
  });
  server.listen(options.port, options.host ?? "0.0.0.0");
  await once(server, "listening");
  const port = (server.address() as AddressInfo).port;

  try {
    await app.registerCommands().catch((err: unknown) => log.warn({ err }, "setMyCommands failed"));
    await app.resume();
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
      const deadline = Date.now() + stopTimeoutMs;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await app.drain(deadline - CONFIRM_MS);
      server.closeAllConnections();
      await closed;
      // The webhook stays registered: Telegram keeps updates until an instance is back.
      log.info("bot stopped");
      resolveDone();
    })());
  return { stop, done, port };
}
