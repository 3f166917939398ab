// The outbox: replies wait in the journal and are sent from here, each chat's in order with at
// most one request in flight per chat. 429s are waited out for as long as Telegram asks, 5xx and
// network errors are retried with back-off, all until the reply is sent or 24 h old. A stop lets
// sends finish until its deadline, then aborts the requests in flight: what is unsent stays in
// the journal for the next start.
import { GrammyError, HttpError, type Api } from "grammy";
import type { Logger } from "../config/logger.js";
import type { Journal, OutboxMessage } from "../journal/index.js";
import { htmlToPlainText } from "./html.js";

export interface OutboxOptions {
  api: Api;
  journal: Journal;
  logger: Logger;
  now: () => number;
  /** Replies older than this are given up on (default 24 h). */
  maxAgeMs?: number;
  /** Requests in flight at once, over all chats (default 8). */
  concurrency?: number;
}

const DEFAULT_MAX_AGE_MS = 24 * 60 * 60 * 1000;
const MAX_BACKOFF_MS = 60_000;

/** What to do after a failed send. */
type Verdict =
  | { retryAt: number; reason: string }
  | { drop: string }
  | { rewrite: Record<string, unknown> }
  | { halted: true };

class Halted extends Error {}

export class OutboxSender {
  private readonly queues = new Map<string, OutboxMessage[]>();
  private readonly loops = new Map<string, Promise<void>>();
  private readonly sleepers = new Set<() => void>();
  private readonly controllers = new Set<AbortController>();
  private readonly slotWaiters: Array<() => void> = [];
  private inFlight = 0;
  private halted = false;
  /** Sends that could not start before this time are left for the next start. */
  private deadline = Infinity;
  private readonly idleWaiters = new Set<() => void>();
  private readonly maxAgeMs: number;
  private readonly concurrency: number;

  constructor(private readonly o: OutboxOptions) {
    this.maxAgeMs = o.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
    this.concurrency = o.concurrency ?? 8;
  }

  /** Queues a message already recorded in the journal. */
  push(message: OutboxMessage): void {
    if (this.halted) return;
    const queue = this.queues.get(message.chatKey) ?? [];
    if (queue.some((m) => m.id === message.id)) return;
    queue.push(message);
    this.queues.set(message.chatKey, queue);
    if (!this.loops.has(message.chatKey)) {
      const loop = this.run(message.chatKey).finally(() => {
        this.loops.delete(message.chatKey);
        this.notifyIdle();
      });
      this.loops.set(message.chatKey, loop);
    }
  }

  /** Messages not yet sent (in memory), over all chats. */
  get size(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.length;
    return n;
  }

  /** True when no chat has a send it could still make (before the deadline). */
  get isIdle(): boolean {
    return this.loops.size === 0;
  }

  whenIdle(): Promise<void> {
    if (this.isIdle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.add(resolve));
  }

  private notifyIdle(): void {
    if (!this.isIdle) return;
    for (const wake of [...this.idleWaiters]) wake();
    this.idleWaiters.clear();
  }

  /**
   * Sends what can be sent until `deadline`, then aborts the requests still in flight and stops.
   * A chat told to wait past the deadline stops at once. Unsent messages stay in the journal.
   */
  async stop(deadline: number): Promise<void> {
    this.deadline = Math.min(this.deadline, deadline);
    for (const wake of [...this.sleepers]) wake(); // re-check their wait against the deadline
    const left = deadline - this.o.now();
    if (left > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.whenIdle(), new Promise<void>((r) => (timer = setTimeout(r, left)))]);
      clearTimeout(timer);
    }
    this.halt();
    await Promise.allSettled([...this.loops.values()]);
  }

  /** Stops at once: requests in flight are aborted, nothing more is sent. */
  halt(): void {
    this.halted = true;
    for (const c of this.controllers) c.abort();
    for (const wake of [...this.sleepers]) wake();
    for (const wake of this.slotWaiters.splice(0)) wake();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.sleepers.add(done);
    });
  }

  private async slot(): Promise<void> {
    while (this.inFlight >= this.concurrency && !this.halted)
      await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
    if (this.halted) throw new Halted();
    this.inFlight++;
  }

  private release(): void {
    this.inFlight--;
    this.slotWaiters.shift()?.();
  }

  private async run(chatKey: string): Promise<void> {
    const queue = this.queues.get(chatKey)!;
    const { journal, logger: log, now } = this.o;
    try {
      while (queue.length > 0 && !this.halted) {
        const message = queue[0]!;
        if (now() - message.createdAt > this.maxAgeMs) {
          log.error(
            { chatKey, id: message.id, attempts: message.attempts },
            "reply older than 24 h: given up",
          );
          await journal.dropped(message.id, "expired", now());
          queue.shift();
          continue;
        }
        const wait = message.notBefore - now();
        if (wait > 0) {
          if (message.notBefore >= this.deadline) return; // stopping: it waits in the journal
          // In slices of a second at most: the clock is re-read (a test may move it forward).
          await this.sleep(Math.min(wait, this.deadline - now(), 1_000));
          continue;
        }
        if (now() >= this.deadline) return;
        const verdict = await this.attempt(message);
        if (verdict === null) {
          await journal.sent(message.id, now());
          queue.shift();
        } else if ("halted" in verdict) {
          return;
        } else if ("rewrite" in verdict) {
          message.payload = verdict.rewrite;
          await journal.rewrite(message.id, verdict.rewrite);
        } else if ("drop" in verdict) {
          await journal.dropped(message.id, verdict.drop, now());
          queue.shift();
        } else {
          message.attempts++;
          message.notBefore = verdict.retryAt;
          await journal.retryLater(message.id, verdict.retryAt, verdict.reason);
        }
      }
    } catch (err) {
      if (!(err instanceof Halted) && !this.halted)
        log.error({ err, chatKey }, "outbox failed for this chat");
    } finally {
      if (queue.length === 0) this.queues.delete(chatKey);
    }
  }

  /** One send; null when it went out, else what to do next. */
  private async attempt(message: OutboxMessage): Promise<Verdict | null> {
    const { api, logger: log, now } = this.o;
    await this.slot();
    const controller = new AbortController();
    this.controllers.add(controller);
    try {
      const call = api.raw[message.method] as (
        payload: Record<string, unknown>,
        signal?: AbortSignal,
      ) => Promise<unknown>;
      await call.call(api.raw, message.payload, controller.signal);
      return null;
    } catch (err) {
      if (this.halted || controller.signal.aborted) return { halted: true };
      const backoff = now() + Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(message.attempts, 6));
      if (err instanceof GrammyError) {
        const reason = `${err.error_code}: ${err.description}`;
        if (err.error_code === 429) {
          const retryAfter = Math.max(1, err.parameters.retry_after ?? 1);
          log.warn(
            { chatKey: message.chatKey, retryAfter },
            "Telegram asked to wait: the reply stays queued",
          );
          return { retryAt: now() + retryAfter * 1000, reason };
        }
        if (err.error_code >= 500) return { retryAt: backoff, reason };
        if (
          message.method === "sendMessage" &&
          err.error_code === 400 &&
          /parse entities/i.test(err.description) &&
          message.payload.parse_mode !== undefined
        ) {
          // Should not happen (all text is escaped), but a figure in plain text beats no answer.
          log.error({ err, chatKey: message.chatKey }, "Telegram rejected our HTML; resending as plain text");
          const rest = { ...message.payload };
          delete rest.parse_mode;
          return { rewrite: { ...rest, text: htmlToPlainText(String(message.payload.text)) } };
        }
        if (message.method === "answerCallbackQuery") {
          log.warn({ err: reason }, "answerCallbackQuery failed"); // e.g. the query is too old
          return { drop: reason };
        }
        log.error({ chatKey: message.chatKey, err: reason }, "reply refused by Telegram: not sent");
        return { drop: reason };
      }
      const reason = err instanceof HttpError ? `network: ${String(err.error)}` : String(err);
      log.warn({ chatKey: message.chatKey, err: reason }, "reply not sent yet: retrying");
      return { retryAt: backoff, reason };
    } finally {
      this.controllers.delete(controller);
      this.release();
    }
  }
}
