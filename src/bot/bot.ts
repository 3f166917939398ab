// The Telegram bot: routing, access control, answers, buttons, admin commands, document intake.
// Updates come from the journal (recorded before Telegram is told they arrived) and are handled
// once each, every chat's in order; replies go to the journal's outbox and are sent from there.
import { autoRetry } from "@grammyjs/auto-retry";
import { Bot, InlineKeyboard, type Transformer } from "grammy";
import type { AnswerResult } from "../answer/types.js";
import type { AppConfig } from "../config/env.js";
import { logger as rootLogger, type Logger } from "../config/logger.js";
import type { Engine, IngestReport } from "../engine/index.js";
import { docIdOf, type DocReport } from "../ingest/index.js";
import type { Journal, JournalUpdate, OutboxMethod, QuestionOutcome } from "../journal/index.js";
import { AccessPolicy } from "./access.js";
import { ButtonStore } from "./buttons.js";
import {
  renderAnswer,
  renderDocs,
  renderIntakeReport,
  renderPassage,
  renderReloadReport,
  renderStats,
} from "./format.js";
import { escapeHtml, htmlToPlainText, splitHtml } from "./html.js";
import {
  checkContent,
  checkUpload,
  DEFAULT_INTAKE_MAX_BYTES,
  downloadFile,
  sameIdAs,
  saveUpload,
  type IntakeOptions,
} from "./intake.js";
import * as text from "./messages.js";
import { OutboxSender } from "./outbox.js";
import {
  addressedText,
  chatKey,
  parseUpdate,
  type IncomingCallback,
  type IncomingMessage,
} from "./updates.js";

/** The only update kinds the bot asks Telegram for. */
export const ALLOWED_UPDATES = ["message", "callback_query"] as const;

const MAX_CHOICE_BUTTONS = 20;
const MAX_BUTTON_TEXT = 60;

export interface CreateBotOptions {
  token: string;
  /** Bot API server root without trailing slash (default https://api.telegram.org). */
  apiRoot?: string;
  /** The engine to answer with; called per question so a reload takes effect at once. */
  getEngine: () => Engine;
  /** Re-reads the documents and swaps the engine; its report is shown to the admin. */
  reload: () => Promise<IngestReport>;
  config: Pick<AppConfig, "ALLOWED_CHAT_IDS" | "ADMIN_USER_IDS">;
  /** Updates, replies, buttons and the questions log (see src/journal). */
  journal: Journal;
  /** Document intake by administrators; without it a file sent to the bot is declined. */
  intake?: IntakeOptions;
  logger?: Logger;
  /** The clock (tests move it forward). */
  now?: () => number;
  /** Replies older than this are given up on (default 24 h). */
  outboxMaxAgeMs?: number;
}

export interface BudgetBot {
  readonly bot: Bot;
  /**
   * Records updates in the journal and starts handling those it had not seen (an update_id is
   * handled once, however often it is delivered). Resolves once they are durably recorded: only
   * then may Telegram be told they arrived. Returns how many were new.
   */
  accept(updates: unknown[]): Promise<number>;
  /** Picks up where the last run stopped: unanswered updates are handled, unsent replies sent. */
  resume(): Promise<void>;
  /** True when no update is being handled and no reply can be sent now. */
  isIdle(): boolean;
  /**
   * Lets the updates in hand and the outbox finish until `deadline` (ms since the epoch), then
   * stops: what is not done stays in the journal for the next start.
   */
  drain(deadline: number): Promise<void>;
  /** Stops at once, as a crash would (tests): nothing more is handled, sent or recorded. */
  halt(): void;
  /** Publishes the Chinese command menu (admins also see /reload and /stats). */
  registerCommands(): Promise<void>;
}

/** Logs failed Bot API calls (each attempt). */
function logApiFailures(log: Logger): Transformer {
  return async (prev, method, payload, signal) => {
    try {
      const res = await prev(method, payload, signal);
      if (!res.ok)
        log.warn({ method, code: res.error_code, description: res.description }, "Bot API call failed");
      return res;
    } catch (err) {
      if (!signal?.aborted) log.warn({ method, err }, "Bot API request failed");
      throw err;
    }
  };
}

/** Methods the outbox and the polling loop retry themselves (auto-retry would hold a stop up). */
const SELF_RETRIED = new Set(["sendMessage", "answerCallbackQuery", "getUpdates"]);

/** A handler was stopped by halt() or the end of a drain: leave its update for the next start. */
class Stopped extends Error {}

const truncate = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

/** What handling one update produced: its replies are numbered so a second handling queues none twice. */
interface Handling {
  updateId: number;
  seq: number;
  outcome: QuestionOutcome | null;
}

export function createBot(options: CreateBotOptions): BudgetBot {
  const log = (options.logger ?? rootLogger).child({ module: "bot" });
  const now = options.now ?? Date.now;
  const { journal } = options;
  const access = new AccessPolicy({
    allowedChatIds: options.config.ALLOWED_CHAT_IDS,
    adminUserIds: options.config.ADMIN_USER_IDS,
  });
  if (access.isClosed) {
    log.warn(
      "ALLOWED_CHAT_IDS is empty: the bot answers no questions and tells each chat its id; add the ids to allow",
    );
  }
  const buttons = new ButtonStore(journal, undefined, now);
  let reloading = false;
  let halted = false;
  let drainDeadline = Infinity;

  const apiRoot = options.apiRoot ?? "https://api.telegram.org";
  const bot = new Bot(options.token, { client: options.apiRoot ? { apiRoot: options.apiRoot } : {} });
  bot.api.config.use(logApiFailures(log));
  const retry = autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 10 });
  bot.api.config.use((prev, method, payload, signal) =>
    SELF_RETRIED.has(method) ? prev(method, payload, signal) : retry(prev, method, payload, signal),
  );
  const outbox = new OutboxSender({
    api: bot.api,
    journal,
    logger: log,
    now,
    maxAgeMs: options.outboxMaxAgeMs,
  });

  // ---- Handling updates: once each, each chat's in order ----------------------------------

  const chains = new Map<string, Promise<void>>();
  let inHand = 0;
  const idleWaiters = new Set<() => void>();
  const notify = () => {
    for (const wake of [...idleWaiters]) wake();
  };

  function schedule(update: JournalUpdate): void {
    const key = update.chatKey ?? `update:${update.updateId}`;
    inHand++;
    const next = (chains.get(key) ?? Promise.resolve())
      .then(() => processUpdate(update))
      .finally(() => {
        inHand--;
        if (chains.get(key) === next) chains.delete(key);
        notify();
      });
    chains.set(key, next);
  }

  async function processUpdate(update: JournalUpdate): Promise<void> {
    if (halted || now() >= drainDeadline) return; // stays "received" for the next start
    const handling: Handling = { updateId: update.updateId, seq: 0, outcome: null };
    try {
      const incoming = parseUpdate(update.raw);
      if (incoming.kind === "malformed") log.warn({ reason: incoming.reason }, "ignoring malformed update");
      else if (incoming.kind === "message") await onMessage(handling, incoming.message);
      else if (incoming.kind === "callback") await onCallback(handling, incoming.query);
    } catch (err) {
      if (err instanceof Stopped || halted) return;
      log.error({ err, update_id: update.updateId }, "error while handling update");
      if (handling.outcome) handling.outcome.status = "error";
    }
    if (halted) return;
    await journal.answered(update.updateId, handling.outcome, now());
  }

  /** Queues one reply in the journal's outbox (once per update and position) and wakes the sender. */
  async function queue(
    handling: Handling,
    chatId: number,
    method: OutboxMethod,
    payload: Record<string, unknown>,
  ): Promise<void> {
    if (halted) throw new Stopped();
    const seq = handling.seq++;
    const message = await journal.enqueue(
      { updateId: handling.updateId, seq, chatKey: String(chatId), method, payload },
      now(),
    );
    if (message) outbox.push(message);
  }

  /** Queues HTML, split to Telegram's size limit; the keyboard goes on the last piece. */
  async function sendHtml(
    handling: Handling,
    chatId: number,
    html: string,
    opts: { replyTo?: number; keyboard?: InlineKeyboard } = {},
  ): Promise<void> {
    const pieces = splitHtml(html);
    for (const [i, piece] of pieces.entries()) {
      await queue(handling, chatId, "sendMessage", {
        chat_id: chatId,
        text: piece,
        parse_mode: "HTML",
        link_preview_options: { is_disabled: true },
        ...(i === 0 && opts.replyTo !== undefined
          ? { reply_parameters: { message_id: opts.replyTo, allow_sending_without_reply: true } }
          : {}),
        ...(i === pieces.length - 1 && opts.keyboard
          ? { reply_markup: { inline_keyboard: opts.keyboard.inline_keyboard } }
          : {}),
      });
    }
  }

  async function refuse(handling: Handling, message: IncomingMessage): Promise<void> {
    const refusal = access.refusalFor(message.chat.id);
    log.info(
      { chatId: message.chat.id, userId: message.from?.id, told: refusal !== null },
      "refused chat not allowed",
    );
    if (refusal) {
      const replyTo = message.chat.type === "private" ? undefined : message.message_id;
      await sendHtml(handling, message.chat.id, refusal, { replyTo });
    }
  }

  async function onMessage(handling: Handling, message: IncomingMessage): Promise<void> {
    if (message.chat.type === "channel" || message.from?.is_bot) return;
    const chatId = message.chat.id;
    const isPrivate = message.chat.type === "private";
    const replyTo = isPrivate ? undefined : message.message_id;
    const reply = (html: string, keyboard?: InlineKeyboard) =>
      sendHtml(handling, chatId, html, { replyTo, keyboard });

    if (message.document && isPrivate) {
      if (!access.isAdmin(message.from?.id))
        return access.isAllowedChat(chatId) ? reply(text.INTAKE_ADMIN_ONLY) : refuse(handling, message);
      return receiveDocument(handling, message, reply);
    }

    const me = { id: bot.botInfo.id, username: bot.botInfo.username };
    const addressed = addressedText(message, me);
    if (addressed.kind === "none") return;

    if (addressed.kind === "command" && (addressed.name === "reload" || addressed.name === "stats")) {
      if (!access.isAdmin(message.from?.id)) {
        return access.isAllowedChat(chatId) ? reply(text.ADMIN_ONLY) : refuse(handling, message);
      }
      return addressed.name === "reload" ? reloadDocuments(handling, reply) : reply(await statsText());
    }
    if (!access.isAllowedChat(chatId)) return refuse(handling, message);

    if (addressed.kind === "command") {
      switch (addressed.name) {
        case "start":
          return reply(text.startText(options.getEngine().documents()));
        case "help":
          return reply(text.helpText(options.getEngine().documents()));
        case "docs":
          return reply(renderDocs(options.getEngine().documents()));
        case "ask":
          return addressed.args ? answerQuestion(handling, message, addressed.args) : reply(text.ASK_USAGE);
        default:
          // A bare unknown /command in a group is probably meant for another bot.
          return isPrivate || addressed.addressedToMe ? reply(text.UNKNOWN_COMMAND) : undefined;
      }
    }
    if (message.text === undefined) return isPrivate ? reply(text.TEXT_ONLY) : undefined;
    return addressed.text ? answerQuestion(handling, message, addressed.text) : reply(text.EMPTY_QUESTION);
  }

  async function answerQuestion(
    handling: Handling,
    message: IncomingMessage,
    question: string,
  ): Promise<void> {
    const chatId = message.chat.id;
    const replyTo = message.chat.type === "private" ? undefined : message.message_id;
    if (question.length > text.MAX_QUESTION_LENGTH) {
      return sendHtml(handling, chatId, text.QUESTION_TOO_LONG, { replyTo });
    }
    await ask(handling, chatId, question, undefined, replyTo, message.from?.id);
  }

  /** Asks the engine and queues the answer; engine failures become a polite reply. */
  async function ask(
    handling: Handling,
    chatId: number,
    question: string,
    doc: string | undefined,
    replyTo?: number,
    userId?: number,
  ) {
    const engine = options.getEngine();
    const started = performance.now();
    let result: AnswerResult;
    handling.outcome = { question, status: "error", chatId, ...(userId !== undefined ? { userId } : {}) };
    try {
      result = engine.ask(question, doc === undefined ? undefined : { docs: [doc] });
    } catch (err) {
      log.error({ err, chatId }, "engine.ask failed");
      return sendHtml(handling, chatId, text.ENGINE_ERROR, { replyTo });
    }
    handling.outcome.status = result.status;
    log.info(
      {
        chatId,
        status: result.status,
        via: result.via,
        items: result.answers.length,
        ms: Math.round(performance.now() - started),
      },
      "answered question",
    );
    log.debug({ chatId, question, doc }, "question text");

    const rendered = renderAnswer(result);
    const keyboard = new InlineKeyboard();
    let html = rendered.html;
    const choices = result.status === "ambiguous" ? (result.choices ?? []) : [];
    if (choices.length > 0) {
      html += `\n\n${escapeHtml(text.CHOOSE_DOCUMENT)}`;
      for (const choice of choices.slice(0, MAX_CHOICE_BUTTONS)) {
        const data = await buttons.put({
          kind: "pick",
          question,
          doc: choice.doc,
          label: choice.label,
          generation: engine.generation,
        });
        keyboard.text(truncate(choice.label, MAX_BUTTON_TEXT), data).row();
      }
    }
    for (const [i, { number, item }] of rendered.sourceItems.entries()) {
      const data = await buttons.put({
        kind: "source",
        doc: item.doc,
        span: item.span,
        generation: engine.generation,
        department: item.department,
        year: item.year,
        docKind: item.docKind,
        section: item.section,
      });
      const label = result.answers.length > 1 ? `查看原文 ${number}` : "查看原文";
      if (i > 0 && i % 5 === 0) keyboard.row();
      keyboard.text(label, data);
    }
    const hasButtons = choices.length > 0 || rendered.sourceItems.length > 0;
    await sendHtml(handling, chatId, html, { replyTo, keyboard: hasButtons ? keyboard : undefined });
  }

  async function onCallback(handling: Handling, query: IncomingCallback): Promise<void> {
    const chat = query.message?.chat;
    const answerQuery = (notice?: string) =>
      chat
        ? queue(handling, chat.id, "answerCallbackQuery", {
            callback_query_id: query.id,
            ...(notice ? { text: notice.slice(0, 200) } : {}),
          })
        : Promise.resolve();
    if (!chat || query.data === undefined) return answerQuery(text.BUTTON_EXPIRED);
    if (!access.isAllowedChat(chat.id)) return answerQuery(htmlToPlainText(text.refusalMessage(chat.id)));

    const action = await buttons.get(query.data);
    if (!action) return answerQuery(text.BUTTON_EXPIRED);
    const engine = options.getEngine();
    if (action.generation !== engine.generation) return answerQuery(text.BUTTON_STALE);

    const replyTo = chat.type === "private" ? undefined : query.message?.message_id;
    if (action.kind === "pick") {
      await answerQuery(text.selectedDocument(action.label));
      return ask(handling, chat.id, action.question, action.doc, replyTo, query.from.id);
    }
    const passage = engine.passage(action.doc, action.span);
    if (passage === null || !passage.trim()) return answerQuery(text.PASSAGE_NOT_FOUND);
    await answerQuery();
    await sendHtml(handling, chat.id, renderPassage(action, passage), { replyTo });
  }

  /** Rebuilds (in worker threads) and swaps the engine; null when another reload is running. */
  async function reloadEngine(): Promise<IngestReport | null> {
    if (reloading) return null;
    reloading = true;
    try {
      const report = await options.reload();
      log.info({ documents: report.documents.length, failed: report.failed.length }, "documents reloaded");
      return report;
    } finally {
      reloading = false;
    }
  }

  async function reloadDocuments(handling: Handling, reply: (html: string) => Promise<void>): Promise<void> {
    if (reloading) return reply(text.RELOAD_BUSY);
    await reply(text.RELOAD_STARTED);
    const started = Date.now();
    try {
      const report = await reloadEngine();
      if (!report) return reply(text.RELOAD_BUSY);
      await reply(renderReloadReport(report, (Date.now() - started) / 1000));
    } catch (err) {
      if (err instanceof Stopped) throw err;
      log.error({ err }, "reload failed");
      const reason = err instanceof Error ? err.message : String(err);
      await reply(`重新加载失败，仍在使用原来的文档：${escapeHtml(truncate(reason, 500))}`);
    }
  }

  /** An administrator's file: checked, saved into the documents folder, read, swapped in. */
  async function receiveDocument(
    handling: Handling,
    message: IncomingMessage,
    reply: (html: string) => Promise<void>,
  ): Promise<void> {
    const doc = message.document!;
    const refuseFile = (reason: string) => reply(text.intakeRefused(reason));
    if (!options.intake) return reply(text.INTAKE_DISABLED);
    const { docsDir } = options.intake;
    const maxBytes = options.intake.maxBytes ?? DEFAULT_INTAKE_MAX_BYTES;
    const checked = checkUpload(doc, maxBytes);
    if (!checked.ok) return refuseFile(checked.reason);
    const { name } = checked;
    const clash = sameIdAs(docsDir, name);
    if (clash) return refuseFile(text.intakeSameId(name, clash));
    if (reloading) return reply(text.RELOAD_BUSY);
    log.info({ file: name, size: doc.file_size, userId: message.from?.id }, "document received");
    await reply(text.intakeStarted(name));

    let bytes: Buffer;
    try {
      const got = await downloadFile(
        bot.api,
        (filePath) => `${apiRoot}/file/bot${options.token}/${filePath}`,
        doc.file_id,
        maxBytes,
      );
      if (!got.ok) return refuseFile(got.reason);
      bytes = got.bytes;
    } catch (err) {
      log.warn({ err, file: name }, "could not download the document");
      return refuseFile(text.INTAKE_DOWNLOAD_FAILED);
    }
    const bad = checkContent(name, bytes);
    if (bad) return refuseFile(bad);

    const started = Date.now();
    let saved: ReturnType<typeof saveUpload>;
    try {
      saved = saveUpload(docsDir, name, bytes);
    } catch (err) {
      log.error({ err, file: name }, "could not save the document");
      return refuseFile(text.INTAKE_SAVE_FAILED);
    }
    if ("reason" in saved) return refuseFile(saved.reason);
    let report: IngestReport | null;
    try {
      report = await reloadEngine();
    } catch (err) {
      saved.undo();
      log.error({ err, file: name }, "reload after intake failed");
      return refuseFile(escapeHtml(truncate(err instanceof Error ? err.message : String(err), 500)));
    }
    if (!report) {
      saved.undo();
      return reply(text.RELOAD_BUSY);
    }
    const failed = report.failed.find((f) => f.file === name);
    const docReport = report.documents.find((d: DocReport) => d.doc === docIdOf(name));
    if (failed || !docReport) {
      saved.undo(); // the folder keeps only documents that can be read
      const reason = failed?.reason ?? "文档没有载入";
      log.warn({ file: name, reason }, "uploaded document unreadable: removed");
      // The index swapped in does not contain the file; the next reload does not see it either.
      return refuseFile(escapeHtml(reason));
    }
    await reply(renderIntakeReport(docReport, report, (Date.now() - started) / 1000));
  }

  async function statsText(): Promise<string> {
    const engine = options.getEngine();
    return renderStats(await journal.stats(now()), {
      documents: engine.documents().length,
      loaded: engine.loadedDocuments(),
      generation: engine.generation,
    });
  }

  async function registerCommands(): Promise<void> {
    await bot.api.setMyCommands([...text.COMMANDS.public]);
    for (const adminId of options.config.ADMIN_USER_IDS) {
      try {
        await bot.api.setMyCommands([...text.COMMANDS.public, ...text.COMMANDS.admin], {
          scope: { type: "chat", chat_id: adminId },
        });
      } catch (err) {
        // Telegram only knows the chat once the admin has written to the bot.
        log.info({ adminId, err }, "could not set the admin command menu");
      }
    }
  }

  const isIdle = () => inHand === 0 && outbox.isIdle;

  return {
    bot,
    async accept(updates) {
      if (halted) throw new Stopped("the bot is stopping: updates not recorded");
      const fresh = await journal.receive(
        updates.map((raw) => ({
          updateId: (raw as { update_id: number }).update_id,
          chatKey: chatKey(raw) ?? null,
          raw,
        })),
        now(),
      );
      const skipped = updates.length - fresh.length;
      if (skipped > 0) log.info({ skipped }, "updates already in the journal: not handled again");
      for (const u of fresh) schedule(u);
      return fresh.length;
    },
    async resume() {
      const unsent = await journal.pending();
      for (const m of unsent) outbox.push(m);
      const unanswered = await journal.unanswered();
      for (const u of unanswered) schedule(u);
      if (unsent.length || unanswered.length)
        log.info({ unanswered: unanswered.length, unsent: unsent.length }, "resuming from the journal");
      await journal.prune(now());
    },
    isIdle,
    async drain(deadline) {
      drainDeadline = deadline;
      while (inHand > 0 && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, Math.min(100, Math.max(0, deadline - Date.now())));
          function done() {
            clearTimeout(timer);
            idleWaiters.delete(done);
            resolve();
          }
          idleWaiters.add(done);
        });
      }
      if (inHand > 0) log.warn({ inHand }, "stop deadline reached: unfinished updates stay in the journal");
      await outbox.stop(deadline);
      halted = true; // a handler still running records nothing more
      if (outbox.size > 0)
        log.info({ unsent: outbox.size }, "unsent replies stay in the outbox for the next start");
    },
    halt() {
      halted = true;
      outbox.halt();
    },
    registerCommands,
  };
}
