// The Telegram bot: routing, access control, answers, buttons and admin commands.
import { autoRetry } from "@grammyjs/auto-retry";
import { sequentialize } from "@grammyjs/runner";
import { Bot, GrammyError, InlineKeyboard, type Api, type Transformer } from "grammy";
import type { AnswerResult } from "../answer/types.js";
import type { AppConfig } from "../config/env.js";
import { logger as rootLogger, type Logger } from "../config/logger.js";
import type { Engine, IngestReport } from "../engine/index.js";
import { AccessPolicy } from "./access.js";
import { ButtonStore } from "./buttons.js";
import { renderAnswer, renderDocs, renderPassage, renderReloadReport } from "./format.js";
import { escapeHtml, htmlToPlainText, splitHtml } from "./html.js";
import * as text from "./messages.js";
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
  logger?: Logger;
  /** Longest 429 retry_after the bot waits out before giving up on a request (default 60 s). */
  maxRetryDelaySeconds?: number;
}

export interface BudgetBot {
  readonly bot: Bot;
  /** True when no update is being handled. */
  isIdle(): boolean;
  /** Resolves once no update is being handled. */
  whenIdle(): Promise<void>;
  /** The getUpdates offset that confirms every update fully handled so far (undefined: none yet). */
  confirmedOffset(): number | undefined;
  /** Publishes the Chinese command menu (admins also see /reload and /stats). */
  registerCommands(): Promise<void>;
}

/** Tracks updates in hand, so a graceful stop can wait for them and confirm exactly those. */
class UpdateTracker {
  private readonly inFlight = new Set<number>();
  private highestDone: number | undefined;
  private idleWaiters: Array<() => void> = [];

  begin(updateId: number): void {
    this.inFlight.add(updateId);
  }

  end(updateId: number): void {
    this.inFlight.delete(updateId);
    this.highestDone = Math.max(this.highestDone ?? updateId, updateId);
    if (this.inFlight.size === 0) {
      for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  get isIdle(): boolean {
    return this.inFlight.size === 0;
  }

  whenIdle(): Promise<void> {
    if (this.inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  confirmedOffset(): number | undefined {
    if (this.inFlight.size > 0) return Math.min(...this.inFlight);
    return this.highestDone === undefined ? undefined : this.highestDone + 1;
  }
}

/** Logs failed Bot API calls (each attempt, since auto-retry is installed after this). */
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

class Stats {
  readonly startedAt = Date.now();
  questions = 0;
  answered = 0;
  ambiguous = 0;
  notFound = 0;
  errors = 0;
  buttons = 0;
  refusals = 0;

  count(status: AnswerResult["status"]): void {
    if (status === "answered") this.answered++;
    else if (status === "ambiguous") this.ambiguous++;
    else this.notFound++;
  }
}

const truncate = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

export function createBot(options: CreateBotOptions): BudgetBot {
  const log = (options.logger ?? rootLogger).child({ module: "bot" });
  const access = new AccessPolicy({
    allowedChatIds: options.config.ALLOWED_CHAT_IDS,
    adminUserIds: options.config.ADMIN_USER_IDS,
  });
  if (access.isClosed) {
    log.warn(
      "ALLOWED_CHAT_IDS is empty: the bot answers no questions and tells each chat its id; add the ids to allow",
    );
  }
  const buttons = new ButtonStore();
  const stats = new Stats();
  const tracker = new UpdateTracker();
  let reloading = false;

  const bot = new Bot(options.token, { client: options.apiRoot ? { apiRoot: options.apiRoot } : {} });
  bot.api.config.use(logApiFailures(log));
  bot.api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: options.maxRetryDelaySeconds ?? 60 }));

  bot.use(async (ctx, next) => {
    const id = typeof ctx.update.update_id === "number" ? ctx.update.update_id : undefined;
    if (id !== undefined) tracker.begin(id);
    try {
      await next();
    } finally {
      if (id !== undefined) tracker.end(id);
    }
  });
  // One update at a time per chat: answers arrive in the order questions were asked.
  bot.use(sequentialize((ctx) => chatKey(ctx.update)));

  bot.use(async (ctx) => {
    const incoming = parseUpdate(ctx.update);
    if (incoming.kind === "malformed") log.warn({ reason: incoming.reason }, "ignoring malformed update");
    else if (incoming.kind === "message") await onMessage(ctx.api, incoming.message);
    else if (incoming.kind === "callback") await onCallback(ctx.api, incoming.query);
  });

  bot.catch((err) => {
    log.error({ err: err.error, update_id: err.ctx.update.update_id }, "error while handling update");
  });

  /** Sends HTML, split to Telegram's size limit; the keyboard goes on the last piece. */
  async function sendHtml(
    api: Api,
    chatId: number,
    html: string,
    opts: { replyTo?: number; keyboard?: InlineKeyboard } = {},
  ): Promise<void> {
    const pieces = splitHtml(html);
    for (const [i, piece] of pieces.entries()) {
      const other = {
        link_preview_options: { is_disabled: true },
        ...(i === 0 && opts.replyTo !== undefined
          ? { reply_parameters: { message_id: opts.replyTo, allow_sending_without_reply: true } }
          : {}),
        ...(i === pieces.length - 1 && opts.keyboard ? { reply_markup: opts.keyboard } : {}),
      };
      try {
        await api.sendMessage(chatId, piece, { ...other, parse_mode: "HTML" });
      } catch (err) {
        // Should not happen (all text is escaped), but a figure in plain text beats no answer.
        if (err instanceof GrammyError && err.error_code === 400 && /parse entities/i.test(err.description)) {
          log.error({ err, chatId }, "Telegram rejected our HTML; resending as plain text");
          await api.sendMessage(chatId, htmlToPlainText(piece), other);
        } else {
          throw err;
        }
      }
    }
  }

  async function refuse(api: Api, message: IncomingMessage): Promise<void> {
    stats.refusals++;
    const refusal = access.refusalFor(message.chat.id);
    log.info(
      { chatId: message.chat.id, userId: message.from?.id, told: refusal !== null },
      "refused chat not allowed",
    );
    if (refusal) {
      const replyTo = message.chat.type === "private" ? undefined : message.message_id;
      await sendHtml(api, message.chat.id, refusal, { replyTo });
    }
  }

  async function onMessage(api: Api, message: IncomingMessage): Promise<void> {
    if (message.chat.type === "channel" || message.from?.is_bot) return;
    const me = { id: bot.botInfo.id, username: bot.botInfo.username };
    const addressed = addressedText(message, me);
    if (addressed.kind === "none") return;

    const chatId = message.chat.id;
    const isPrivate = message.chat.type === "private";
    const replyTo = isPrivate ? undefined : message.message_id;
    const reply = (html: string, keyboard?: InlineKeyboard) =>
      sendHtml(api, chatId, html, { replyTo, keyboard });

    if (addressed.kind === "command" && (addressed.name === "reload" || addressed.name === "stats")) {
      if (!access.isAdmin(message.from?.id)) {
        return access.isAllowedChat(chatId) ? reply(text.ADMIN_ONLY) : refuse(api, message);
      }
      return addressed.name === "reload" ? reloadDocuments(reply) : reply(renderStats());
    }
    if (!access.isAllowedChat(chatId)) return refuse(api, message);

    if (addressed.kind === "command") {
      switch (addressed.name) {
        case "start":
          return reply(text.startText(options.getEngine().documents()));
        case "help":
          return reply(text.helpText(options.getEngine().documents()));
        case "docs":
          return reply(renderDocs(options.getEngine().documents()));
        case "ask":
          return addressed.args ? answerQuestion(api, message, addressed.args) : reply(text.ASK_USAGE);
        default:
          // A bare unknown /command in a group is probably meant for another bot.
          return isPrivate || addressed.addressedToMe ? reply(text.UNKNOWN_COMMAND) : undefined;
      }
    }
    if (message.text === undefined) return isPrivate ? reply(text.TEXT_ONLY) : undefined;
    return addressed.text ? answerQuestion(api, message, addressed.text) : reply(text.EMPTY_QUESTION);
  }

  async function answerQuestion(api: Api, message: IncomingMessage, question: string): Promise<void> {
    const chatId = message.chat.id;
    const replyTo = message.chat.type === "private" ? undefined : message.message_id;
    if (question.length > text.MAX_QUESTION_LENGTH) {
      return sendHtml(api, chatId, text.QUESTION_TOO_LONG, { replyTo });
    }
    await ask(api, chatId, question, undefined, replyTo);
  }

  /** Asks the engine and sends the answer; engine failures become a polite reply. */
  async function ask(api: Api, chatId: number, question: string, doc: string | undefined, replyTo?: number) {
    stats.questions++;
    const engine = options.getEngine();
    const started = performance.now();
    let result: AnswerResult;
    try {
      result = engine.ask(question, doc === undefined ? undefined : { docs: [doc] });
    } catch (err) {
      stats.errors++;
      log.error({ err, chatId }, "engine.ask failed");
      return sendHtml(api, chatId, text.ENGINE_ERROR, { replyTo });
    }
    stats.count(result.status);
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
        const data = buttons.put({
          kind: "pick",
          question,
          doc: choice.doc,
          label: choice.label,
          generation: engine.generation,
        });
        keyboard.text(truncate(choice.label, MAX_BUTTON_TEXT), data).row();
      }
    }
    rendered.sourceItems.forEach(({ number, item }, i) => {
      const data = buttons.put({
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
    });
    const hasButtons = choices.length > 0 || rendered.sourceItems.length > 0;
    await sendHtml(api, chatId, html, { replyTo, keyboard: hasButtons ? keyboard : undefined });
  }

  async function onCallback(api: Api, query: IncomingCallback): Promise<void> {
    stats.buttons++;
    const answerQuery = async (notice?: string) => {
      try {
        await api.answerCallbackQuery(query.id, notice ? { text: notice } : {});
      } catch (err) {
        log.warn({ err }, "answerCallbackQuery failed"); // e.g. the query is too old: the rest still works
      }
    };
    const chat = query.message?.chat;
    if (!chat || query.data === undefined) return answerQuery(text.BUTTON_EXPIRED);
    if (!access.isAllowedChat(chat.id)) return answerQuery(htmlToPlainText(text.refusalMessage(chat.id)));

    const action = buttons.get(query.data);
    if (!action) return answerQuery(text.BUTTON_EXPIRED);
    const engine = options.getEngine();
    if (action.generation !== engine.generation) return answerQuery(text.BUTTON_STALE);

    const replyTo = chat.type === "private" ? undefined : query.message?.message_id;
    if (action.kind === "pick") {
      await answerQuery(text.selectedDocument(action.label));
      return ask(api, chat.id, action.question, action.doc, replyTo);
    }
    const passage = engine.passage(action.doc, action.span);
    if (passage === null || !passage.trim()) return answerQuery(text.PASSAGE_NOT_FOUND);
    await answerQuery();
    await sendHtml(api, chat.id, renderPassage(action, passage), { replyTo });
  }

  async function reloadDocuments(reply: (html: string) => Promise<void>): Promise<void> {
    if (reloading) return reply(text.RELOAD_BUSY);
    reloading = true;
    try {
      await reply(text.RELOAD_STARTED);
      const started = Date.now();
      const report = await options.reload();
      log.info({ documents: report.documents.length, failed: report.failed.length }, "documents reloaded");
      await reply(renderReloadReport(report, (Date.now() - started) / 1000));
    } catch (err) {
      log.error({ err }, "reload failed");
      const reason = err instanceof Error ? err.message : String(err);
      await reply(`重新加载失败，仍在使用原来的文档：${escapeHtml(truncate(reason, 500))}`);
    } finally {
      reloading = false;
    }
  }

  function renderStats(): string {
    const minutes = Math.floor((Date.now() - stats.startedAt) / 60_000);
    const engine = options.getEngine();
    return [
      "<b>运行统计</b>",
      `运行时间：${Math.floor(minutes / 60)} 小时 ${minutes % 60} 分`,
      `问题：${stats.questions}（已回答 ${stats.answered}，需选择 ${stats.ambiguous}，未找到 ${stats.notFound}，出错 ${stats.errors}）`,
      `按钮点击：${stats.buttons}`,
      `拒绝未授权对话：${stats.refusals}`,
      `文档：${engine.documents().length} 份，已在内存 ${engine.loadedDocuments()} 份（版本 <code>${escapeHtml(engine.generation)}</code>）`,
      `按钮缓存：${buttons.size} 条`,
    ].join("\n");
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

  return {
    bot,
    isIdle: () => tracker.isIdle,
    whenIdle: () => tracker.whenIdle(),
    confirmedOffset: () => tracker.confirmedOffset(),
    registerCommands,
  };
}
