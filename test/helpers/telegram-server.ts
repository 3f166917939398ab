// A small, strict fake of the Telegram Bot API for end-to-end bot tests.
//
// Speaks POST /bot<token>/<method> with JSON, urlencoded or multipart bodies; long-polled
// getUpdates honouring offset, limit and timeout; webhook delivery after setWebhook; and
// Telegram's own checks on what a bot sends (text length, HTML well-formedness with only the
// allowed tags, callback_data ≤ 64 bytes, replied-to messages that exist, known chats…).
// Tests inject user messages and button presses, and inspect every call the bot made.
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface TgUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  username?: string;
}

export interface TgChat {
  id: number;
  type: "private" | "group" | "supergroup";
  title?: string;
  first_name?: string;
}

export interface TgEntity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  user?: TgUser;
}

export interface TgButton {
  text: string;
  callback_data?: string;
  url?: string;
}

export interface TgMessage {
  message_id: number;
  date: number;
  chat: TgChat;
  from?: TgUser;
  text?: string;
  entities?: TgEntity[];
  sticker?: Record<string, unknown>;
  document?: {
    file_id: string;
    file_unique_id: string;
    file_name?: string;
    mime_type?: string;
    file_size?: number;
  };
  caption?: string;
  reply_to_message?: TgMessage;
  reply_markup?: { inline_keyboard: TgButton[][] };
  edit_date?: number;
}

export interface ApiResult {
  ok: boolean;
  result?: unknown;
  error_code?: number;
  description?: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

export interface ApiCall {
  seq: number;
  method: string;
  params: Record<string, unknown>;
  /** How the body was encoded: "json", "urlencoded", "multipart" or "query". */
  encoding: string;
  /** Date.now() when the request arrived. */
  receivedAt: number;
  /** Set once the server has answered. */
  response?: ApiResult;
}

/** A message the bot sent, as Telegram stored it, plus the HTML it was sent as. */
export interface SentMessage extends TgMessage {
  text: string;
  /** The raw `text` parameter (HTML source when parse_mode was HTML). */
  source: string;
  parseMode?: string;
}

/** Error raised by the Telegram-HTML parser, with Telegram's wording. */
export class TelegramHtmlError extends Error {}

const TAG_ENTITY: Record<string, string> = {
  b: "bold",
  strong: "bold",
  i: "italic",
  em: "italic",
  u: "underline",
  ins: "underline",
  s: "strikethrough",
  strike: "strikethrough",
  del: "strikethrough",
  span: "spoiler",
  "tg-spoiler": "spoiler",
  a: "text_link",
  code: "code",
  pre: "pre",
  blockquote: "blockquote",
  "tg-emoji": "custom_emoji",
};

const NAMED_ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };

/**
 * Parses text in Telegram's HTML parse mode the way the Bot API does (strictly): only the
 * supported tags, properly nested and closed; only &lt; &gt; &amp; &quot; and numeric entities;
 * every other <, > and & is an error. Returns the visible text and its entities.
 */
export function parseTelegramHtml(html: string): { text: string; entities: TgEntity[] } {
  let text = "";
  const entities: TgEntity[] = [];
  const stack: Array<{ name: string; offset: number; url?: string }> = [];
  const byteOffset = (i: number) => Buffer.byteLength(html.slice(0, i));
  let i = 0;
  while (i < html.length) {
    const c = html[i]!;
    if (c === "<") {
      const rest = html.slice(i);
      const close = /^<\/([a-zA-Z][a-zA-Z0-9-]*)\s*>/.exec(rest);
      if (close) {
        const name = close[1]!.toLowerCase();
        const top = stack.pop();
        if (!top || top.name !== name) {
          throw new TelegramHtmlError(
            `Can't parse entities: unmatched end tag at byte offset ${byteOffset(i)}, expected "</${top?.name ?? ""}>", found "</${name}>"`,
          );
        }
        if (text.length > top.offset) {
          const type = TAG_ENTITY[name]!;
          entities.push({
            type,
            offset: top.offset,
            length: text.length - top.offset,
            ...(top.url ? { url: top.url } : {}),
          });
        }
        i += close[0].length;
        continue;
      }
      const open =
        /^<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']+))?)*)\s*>/.exec(
          rest,
        );
      if (!open)
        throw new TelegramHtmlError(
          `Can't parse entities: unsupported start tag at byte offset ${byteOffset(i)}`,
        );
      const name = open[1]!.toLowerCase();
      if (!(name in TAG_ENTITY)) {
        throw new TelegramHtmlError(
          `Can't parse entities: unsupported start tag "${name}" at byte offset ${byteOffset(i)}`,
        );
      }
      const attrs = Object.fromEntries(
        [...open[2]!.matchAll(/([a-zA-Z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?/g)].map((m) => [
          m[1]!.toLowerCase(),
          m[2] ?? m[3] ?? m[4] ?? "",
        ]),
      );
      if (name === "span" && attrs.class !== "tg-spoiler") {
        throw new TelegramHtmlError(
          `Can't parse entities: tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(i)}`,
        );
      }
      const parent = stack[stack.length - 1];
      if (parent && (parent.name === "code" || (parent.name === "pre" && name !== "code"))) {
        throw new TelegramHtmlError(
          `Can't parse entities: tag "${name}" can't be nested in "${parent.name}"`,
        );
      }
      stack.push({ name, offset: text.length, ...(name === "a" ? { url: attrs.href ?? "" } : {}) });
      i += open[0].length;
      continue;
    }
    if (c === "&") {
      const m = /^&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/.exec(html.slice(i));
      const name = m?.[1];
      let decoded: string | undefined;
      if (name?.startsWith("#x") || name?.startsWith("#X"))
        decoded = String.fromCodePoint(parseInt(name.slice(2), 16));
      else if (name?.startsWith("#")) decoded = String.fromCodePoint(parseInt(name.slice(1), 10));
      else if (name) decoded = NAMED_ENTITIES[name];
      if (decoded === undefined || !m) {
        throw new TelegramHtmlError(
          `Can't parse entities: unsupported HTML entity at byte offset ${byteOffset(i)}`,
        );
      }
      text += decoded;
      i += m[0].length;
      continue;
    }
    if (c === ">")
      throw new TelegramHtmlError(`Can't parse entities: unexpected ">" at byte offset ${byteOffset(i)}`);
    text += c;
    i++;
  }
  const unclosed = stack.pop();
  if (unclosed) {
    throw new TelegramHtmlError(
      `Can't parse entities: can't find end tag corresponding to start tag "${unclosed.name}"`,
    );
  }
  return { text, entities: entities.sort((a, b) => a.offset - b.offset || b.length - a.length) };
}

/** Entities Telegram itself detects in what a user types: a leading /command and @mentions. */
function detectEntities(text: string): TgEntity[] {
  const entities: TgEntity[] = [];
  const command = /^\/[a-zA-Z0-9_]{1,32}(?:@[a-zA-Z0-9_]{3,32})?/.exec(text);
  if (command) entities.push({ type: "bot_command", offset: 0, length: command[0].length });
  for (const m of text.matchAll(/(?<![\w@])@[a-zA-Z0-9_]{5,32}/g)) {
    if (command && m.index < command[0].length) continue;
    entities.push({ type: "mention", offset: m.index, length: m[0].length });
  }
  return entities;
}

class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: ApiResult["parameters"],
  ) {
    super(description);
  }
}

const badRequest = (what: string) => new ApiError(400, `Bad Request: ${what}`);

const JSON_FIELDS = new Set([
  "reply_markup",
  "reply_parameters",
  "commands",
  "scope",
  "allowed_updates",
  "entities",
  "link_preview_options",
]);

/** Form fields arrive as strings; Telegram JSON-decodes the structured ones. */
function fromForm(entries: Iterable<[string, unknown]>): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    if (typeof value !== "string") {
      params[key] = { file: true };
      continue;
    }
    if (JSON_FIELDS.has(key)) {
      try {
        params[key] = JSON.parse(value);
        continue;
      } catch {
        throw badRequest(`can't parse ${key} JSON object`);
      }
    }
    params[key] = value;
  }
  return params;
}

function toInt(value: unknown, field: string, required: boolean): number | undefined {
  if (value === undefined || value === null || value === "") {
    if (required) throw badRequest(`${field} is empty`);
    return undefined;
  }
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isInteger(n)) throw badRequest(`field "${field}" must be an integer`);
  return n;
}

const toBool = (value: unknown) => value === true || value === "true";

interface PollWaiter {
  offset: number;
  limit: number;
  resolve: (updates: object[]) => void;
  reject: (err: ApiError) => void;
  timer: NodeJS.Timeout;
}

export interface TelegramServerOptions {
  token?: string;
  bot?: Partial<TgUser> & { username?: string };
}

export class TelegramServer {
  readonly token: string;
  readonly botUser: TgUser & { username: string };
  /** Every call the bot made, in arrival order. */
  readonly calls: ApiCall[] = [];
  /** Commands set with setMyCommands, by scope ("default", "chat:<id>", …). */
  readonly commands = new Map<string, Array<{ command: string; description: string }>>();
  webhook: { url: string; secret?: string; allowed_updates?: string[] } | null = null;

  private server!: Server;
  private port = 0;
  private nextUpdateId = 100;
  /** Updates not yet confirmed by a getUpdates offset (or a 2xx webhook response). */
  private pending: Array<{ update_id: number } & Record<string, unknown>> = [];
  private confirmedBelow = 0;
  private waiter: PollWaiter | undefined;
  private readonly chats = new Map<
    number,
    { chat: TgChat; nextMessageId: number; messages: Map<number, TgMessage> }
  >();
  private readonly callbackQueries = new Map<
    string,
    { answered: boolean; answer?: Record<string, unknown> }
  >();
  private readonly failures = new Map<string, ApiResult[]>();
  private readonly holds = new Map<
    string,
    Array<{ arrived: (call: ApiCall) => void; released: Promise<void> }>
  >();
  private listeners: Array<() => void> = [];
  /** Files users sent, by file_id (served by getFile and /file/bot<token>/<path>). */
  private readonly files = new Map<string, { path: string; bytes: Buffer }>();
  /** Methods answered 429 until a time (a storm), with the retry_after Telegram gives. */
  private readonly storms = new Map<string, { until: number; retryAfter: number }>();
  private seq = 0;
  private deliveringWebhook = false;
  private closed = false;

  constructor(options: TelegramServerOptions = {}) {
    this.token =
      options.token ??
      `${100000 + Math.floor(Math.random() * 899999)}:TEST-${randomBytes(12).toString("hex")}`;
    const botId = Number(this.token.split(":")[0]);
    this.botUser = {
      id: botId,
      is_bot: true,
      first_name: "预决算助手",
      username: "budget_test_bot",
      ...options.bot,
    };
  }

  /** Starts listening on 127.0.0.1 on a random port. */
  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500).end(String(err));
      });
    });
    this.server.listen(0, "127.0.0.1");
    await once(this.server, "listening");
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Value for grammY's `client.apiRoot` / TELEGRAM_API_ROOT. */
  get apiRoot(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.waiter) {
      clearTimeout(this.waiter.timer);
      this.waiter.resolve([]);
      this.waiter = undefined;
    }
    for (const queue of this.holds.values()) queue.length = 0;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  // ---- What tests do as users --------------------------------------------------------------

  /** A user's text message, with the entities Telegram would detect (commands, @mentions). */
  sendText(
    chat: TgChat,
    from: TgUser,
    text: string,
    options: { replyTo?: number; entities?: TgEntity[] } = {},
  ): { updateId: number; message: TgMessage } {
    const entities = options.entities ?? detectEntities(text);
    return this.userMessage(chat, from, { text, ...(entities.length ? { entities } : {}) }, options.replyTo);
  }

  /** Makes Telegram know a chat (as if its user had once written to the bot) without an update. */
  registerChat(chat: TgChat): void {
    this.chatState(chat);
  }

  /** A file sent as a document (what an administrator's upload looks like). */
  sendDocument(
    chat: TgChat,
    from: TgUser,
    file: { name: string; bytes: Buffer | string; mime?: string; announcedSize?: number },
  ): { updateId: number; message: TgMessage; fileId: string } {
    const bytes = Buffer.isBuffer(file.bytes) ? file.bytes : Buffer.from(file.bytes);
    const fileId = `DOC${randomBytes(8).toString("hex")}`;
    this.files.set(fileId, {
      path: `documents/file_${this.files.size}${file.name.replace(/^.*(\.[^.]*)$/, "$1")}`,
      bytes,
    });
    const sent = this.userMessage(chat, from, {
      document: {
        file_id: fileId,
        file_unique_id: fileId.slice(3, 11),
        file_name: file.name,
        ...(file.mime ? { mime_type: file.mime } : {}),
        file_size: file.announcedSize ?? bytes.length,
      },
    });
    return { ...sent, fileId };
  }

  /** A sticker (a message without text). */
  sendSticker(chat: TgChat, from: TgUser): { updateId: number; message: TgMessage } {
    return this.userMessage(chat, from, {
      sticker: {
        file_id: "CAACAgIAAxkBAAE",
        file_unique_id: "AgAD",
        type: "regular",
        width: 512,
        height: 512,
        is_animated: false,
        is_video: false,
      },
    });
  }

  /** Presses the inline button labelled `buttonText` (exact, or prefix match) under a bot message. */
  pressButton(
    from: TgUser,
    message: TgMessage,
    buttonText: string,
  ): { updateId: number; queryId: string; data: string } {
    const stored = this.chats.get(message.chat.id)?.messages.get(message.message_id);
    if (!stored) throw new Error(`no message ${message.message_id} in chat ${message.chat.id}`);
    const buttons = (stored.reply_markup?.inline_keyboard ?? []).flat();
    const button =
      buttons.find((b) => b.text === buttonText) ?? buttons.find((b) => b.text.startsWith(buttonText));
    if (!button?.callback_data) {
      throw new Error(
        `no button "${buttonText}" under message ${message.message_id}: ${buttons.map((b) => b.text).join(", ")}`,
      );
    }
    return { ...this.pressData(from, stored, button.callback_data), data: button.callback_data };
  }

  /** A callback query with arbitrary data (as a client with a stale or forged keyboard would send). */
  pressData(from: TgUser, message: TgMessage, data: string): { updateId: number; queryId: string } {
    const queryId = randomBytes(8).toString("hex");
    this.callbackQueries.set(queryId, { answered: false });
    const updateId = this.injectUpdate({
      callback_query: { id: queryId, from, message, chat_instance: String(message.chat.id), data },
    });
    return { updateId, queryId };
  }

  /** Queues any update (a fresh update_id is added unless given); returns its update_id. */
  injectUpdate(update: Record<string, unknown>): number {
    const update_id = typeof update.update_id === "number" ? update.update_id : this.nextUpdateId++;
    this.nextUpdateId = Math.max(this.nextUpdateId, update_id + 1);
    this.pending.push({ ...update, update_id });
    this.pending.sort((a, b) => a.update_id - b.update_id);
    this.flushWaiter();
    void this.deliverWebhook();
    return update_id;
  }

  // ---- What tests control -----------------------------------------------------------------

  /** The next call(s) to `method` fail with `result` (e.g. a 429 with retry_after). */
  failNext(method: string, result: ApiResult, times = 1): void {
    const queue = this.failures.get(method) ?? [];
    for (let i = 0; i < times; i++) queue.push(result);
    this.failures.set(method, queue);
  }

  /**
   * A 429 storm: every call to `method` is refused with `retryAfter` seconds until `ms` from now
   * (Telegram's flood control tells a bot to wait longer than the storm may last).
   */
  storm(method: string, ms: number, retryAfter: number): void {
    this.storms.set(method, { until: Date.now() + ms, retryAfter });
  }

  /** Ends a storm now. */
  calm(method: string): void {
    this.storms.delete(method);
  }

  /** The next call to `method` is held until `release()`; `arrived` resolves when it comes in. */
  holdNext(method: string): { arrived: Promise<ApiCall>; release: () => void } {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let arrived!: (call: ApiCall) => void;
    const arrivedPromise = new Promise<ApiCall>((resolve) => (arrived = resolve));
    const queue = this.holds.get(method) ?? [];
    queue.push({ arrived, released });
    this.holds.set(method, queue);
    return { arrived: arrivedPromise, release };
  }

  // ---- What tests inspect -----------------------------------------------------------------

  /** Messages the bot successfully sent, optionally to one chat, optionally only after call `since`. */
  sentMessages(chatId?: number, since = 0): SentMessage[] {
    return this.calls
      .filter((c) => c.seq >= since && c.method === "sendMessage" && c.response?.ok)
      .map((c) => c.response!.result as SentMessage)
      .filter((m) => chatId === undefined || m.chat.id === chatId);
  }

  /** Sequence number the next call will get: pass it as `since` to look only at later calls. */
  get mark(): number {
    return this.seq;
  }

  /** Updates confirmed so far: all ids below this were acknowledged by the bot. */
  get confirmedOffset(): number {
    return this.confirmedBelow;
  }

  get pendingUpdateIds(): number[] {
    return this.pending.map((u) => u.update_id);
  }

  callbackAnswer(queryId: string): Record<string, unknown> | undefined {
    return this.callbackQueries.get(queryId)?.answer;
  }

  /** Resolves with the first completed call (since `since`) matching `predicate`. */
  waitForCall(
    method: string,
    predicate: (call: ApiCall) => boolean = () => true,
    options: { since?: number; timeoutMs?: number } = {},
  ): Promise<ApiCall> {
    const since = options.since ?? 0;
    return this.waitUntil(
      () => this.calls.find((c) => c.seq >= since && c.method === method && c.response && predicate(c)),
      options.timeoutMs ?? 10_000,
      `call to ${method}`,
    );
  }

  /** Resolves once the bot has sent `count` messages to `chatId` since `since`. */
  waitForMessages(
    chatId: number,
    count: number,
    options: { since?: number; timeoutMs?: number } = {},
  ): Promise<SentMessage[]> {
    return this.waitUntil(
      () => {
        const sent = this.sentMessages(chatId, options.since ?? 0);
        return sent.length >= count ? sent : undefined;
      },
      options.timeoutMs ?? 10_000,
      `${count} message(s) to chat ${chatId}`,
    );
  }

  /** Resolves once `check` returns something other than undefined (re-checked after every call and every 20 ms). */
  waitUntil<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const attempt = () => {
        const value = check();
        if (value === undefined) return false;
        cleanup();
        resolve(value);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(`timed out waiting for ${what}; calls: ${this.calls.map((c) => c.method).join(", ")}`),
        );
      }, timeoutMs);
      const listener = () => void attempt();
      const poll = setInterval(listener, 20);
      const cleanup = () => {
        clearTimeout(timer);
        clearInterval(poll);
        this.listeners = this.listeners.filter((l) => l !== listener);
      };
      this.listeners.push(listener);
      attempt();
    });
  }

  // ---- Chats & messages -------------------------------------------------------------------

  private chatState(chat: TgChat) {
    let state = this.chats.get(chat.id);
    if (!state) {
      state = { chat, nextMessageId: 1, messages: new Map() };
      this.chats.set(chat.id, state);
    }
    return state;
  }

  private userMessage(
    chat: TgChat,
    from: TgUser,
    content: Partial<TgMessage>,
    replyTo?: number,
  ): { updateId: number; message: TgMessage } {
    const state = this.chatState(chat);
    const replied = replyTo === undefined ? undefined : state.messages.get(replyTo);
    if (replyTo !== undefined && !replied)
      throw new Error(`no message ${replyTo} to reply to in chat ${chat.id}`);
    const message: TgMessage = {
      message_id: state.nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat,
      from,
      ...content,
      ...(replied ? { reply_to_message: replied } : {}),
    };
    state.messages.set(message.message_id, message);
    return { updateId: this.injectUpdate({ message }), message };
  }

  // ---- HTTP -------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const fileMatch = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (fileMatch && req.method === "GET") {
      const file = [...this.files.values()].find((f) => f.path === decodeURIComponent(fileMatch[2]!));
      if (fileMatch[1] !== this.token || !file) return void res.writeHead(404).end();
      return void res.writeHead(200, { "Content-Length": file.bytes.length }).end(file.bytes);
    }
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    const send = (status: number, body: ApiResult) => {
      if (res.writableEnded || res.destroyed) return;
      res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(body));
    };
    if (!match) return send(404, { ok: false, error_code: 404, description: "Not Found" });
    if (match[1] !== this.token)
      return send(401, { ok: false, error_code: 401, description: "Unauthorized" });
    const method = match[2]!;

    const call: ApiCall = { seq: this.seq++, method, params: {}, encoding: "query", receivedAt: Date.now() };
    this.calls.push(call);
    const finish = (result: ApiResult) => {
      call.response = result;
      send(result.ok ? 200 : (result.error_code ?? 500), result);
      for (const listener of [...this.listeners]) listener();
    };
    // Taken on arrival, so a test can hold "the next call" without racing the body read.
    const hold = this.holds.get(method)?.shift();
    const storm = this.storms.get(method);
    const failure =
      this.failures.get(method)?.shift() ??
      (storm && Date.now() < storm.until
        ? {
            ok: false,
            error_code: 429,
            description: `Too Many Requests: retry after ${storm.retryAfter}`,
            parameters: { retry_after: storm.retryAfter },
          }
        : undefined);

    // A client that gives up (e.g. an aborted long poll) gets nothing, and a request it
    // abandoned before Telegram processed it has no effect (its offset confirms nothing).
    let aborted = false;
    res.on("close", () => {
      if (res.writableEnded) return;
      aborted = true;
      if (this.waiter && this.waiter === pollWaiterOf(call)) this.cancelWaiter();
    });

    let result: ApiResult;
    try {
      const body = await readBody(req);
      const { params, encoding } = await decodeParams(
        req.headers["content-type"] ?? "",
        body,
        url.searchParams,
      );
      call.params = params;
      call.encoding = encoding;

      if (hold) {
        hold.arrived(call);
        await hold.released;
      }
      if (aborted) return;
      if (failure) return finish(failure);

      const value = await this.dispatch(method, params, call);
      if (aborted) return;
      result = { ok: true, result: value };
    } catch (err) {
      result =
        err instanceof ApiError
          ? {
              ok: false,
              error_code: err.code,
              description: err.description,
              ...(err.parameters ? { parameters: err.parameters } : {}),
            }
          : { ok: false, error_code: 500, description: `Internal Server Error: ${String(err)}` };
    }
    finish(result);
  }

  private dispatch(method: string, p: Record<string, unknown>, call: ApiCall): unknown {
    switch (method) {
      case "getMe":
        return {
          ...this.botUser,
          can_join_groups: true,
          can_read_all_group_messages: false,
          supports_inline_queries: false,
        };
      case "getUpdates":
        return this.getUpdates(p, call);
      case "deleteWebhook":
        if (toBool(p.drop_pending_updates)) this.confirm(this.nextUpdateId);
        this.webhook = null;
        return true;
      case "setWebhook": {
        if (typeof p.url !== "string" || !/^https?:\/\//.test(p.url))
          throw badRequest("bad webhook: an HTTPS URL must be provided for webhook");
        const secret = typeof p.secret_token === "string" ? p.secret_token : undefined;
        if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret))
          throw badRequest("secret token contains unallowed characters");
        if (toBool(p.drop_pending_updates)) this.confirm(this.nextUpdateId);
        this.webhook = { url: p.url, secret, allowed_updates: p.allowed_updates as string[] | undefined };
        if (this.waiter) this.cancelWaiter(new ApiError(409, "Conflict: terminated by setWebhook request"));
        void this.deliverWebhook();
        return true;
      }
      case "getWebhookInfo":
        return {
          url: this.webhook?.url ?? "",
          has_custom_certificate: false,
          pending_update_count: this.pending.length,
        };
      case "setMyCommands":
        return this.setMyCommands(p);
      case "sendMessage":
        return this.sendMessage(p);
      case "editMessageText":
        return this.editMessageText(p);
      case "answerCallbackQuery":
        return this.answerCallbackQuery(p);
      case "getFile": {
        const id = typeof p.file_id === "string" ? p.file_id : "";
        const file = this.files.get(id);
        if (!file) throw badRequest("invalid file_id");
        return {
          file_id: id,
          file_unique_id: id.slice(3, 11),
          file_size: file.bytes.length,
          file_path: file.path,
        };
      }
      case "sendChatAction":
        this.knownChat(p.chat_id);
        return true;
      default:
        throw new ApiError(404, "Not Found: method not found");
    }
  }

  private knownChat(chatId: unknown) {
    const id = toInt(chatId, "chat_id", true)!;
    const state = this.chats.get(id);
    if (!state) throw badRequest("chat not found");
    return state;
  }

  // ---- getUpdates & webhook ---------------------------------------------------------------

  private confirm(offset: number) {
    if (offset <= this.confirmedBelow) return;
    this.confirmedBelow = offset;
    this.pending = this.pending.filter((u) => u.update_id >= offset);
  }

  private available(limit: number) {
    return this.pending.slice(0, limit);
  }

  private getUpdates(p: Record<string, unknown>, call: ApiCall): Promise<object[]> | object[] {
    if (this.webhook) {
      throw new ApiError(
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      );
    }
    const offset = toInt(p.offset, "offset", false) ?? 0;
    const limit = Math.min(100, Math.max(1, toInt(p.limit, "limit", false) ?? 100));
    const timeout = Math.max(0, toInt(p.timeout, "timeout", false) ?? 0);
    if (offset > 0) this.confirm(offset);
    // Like Telegram: a newer request ends the one already waiting.
    if (this.waiter)
      this.cancelWaiter(
        new ApiError(
          409,
          "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
        ),
      );
    const ready = this.available(limit);
    if (ready.length > 0 || timeout === 0 || this.closed) return ready;
    return new Promise<object[]>((resolve, reject) => {
      const waiter: PollWaiter = {
        offset,
        limit,
        resolve,
        reject,
        timer: setTimeout(() => {
          if (this.waiter === waiter) this.waiter = undefined;
          resolve([]);
        }, timeout * 1000),
      };
      this.waiter = waiter;
      waiterCalls.set(call, waiter);
    });
  }

  private flushWaiter() {
    const waiter = this.waiter;
    if (!waiter) return;
    const ready = this.available(waiter.limit);
    if (ready.length === 0) return;
    clearTimeout(waiter.timer);
    this.waiter = undefined;
    waiter.resolve(ready);
  }

  private cancelWaiter(err?: ApiError) {
    const waiter = this.waiter;
    if (!waiter) return;
    clearTimeout(waiter.timer);
    this.waiter = undefined;
    if (err) waiter.reject(err);
    else waiter.resolve([]);
  }

  /** POSTs pending updates, in order, to the webhook; a non-2xx answer means "deliver again later". */
  private async deliverWebhook(): Promise<void> {
    if (this.deliveringWebhook) return;
    this.deliveringWebhook = true;
    try {
      while (this.webhook && !this.closed && this.pending.length > 0) {
        const update = this.pending[0]!;
        const { url, secret } = this.webhook;
        let ok = false;
        try {
          const res = await fetch(url, {
            method: "POST",
            headers: {
              "Content-Type": "application/json",
              ...(secret ? { "X-Telegram-Bot-Api-Secret-Token": secret } : {}),
            },
            body: JSON.stringify(update),
          });
          await res.arrayBuffer();
          ok = res.ok;
        } catch {
          ok = false;
        }
        if (ok) this.confirm(update.update_id + 1);
        else await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      this.deliveringWebhook = false;
    }
  }

  // ---- Methods that send ------------------------------------------------------------------

  private setMyCommands(p: Record<string, unknown>) {
    const commands = p.commands;
    if (!Array.isArray(commands) || commands.length > 100)
      throw badRequest("commands must be an array of at most 100 commands");
    for (const c of commands as Array<Record<string, unknown>>) {
      if (typeof c.command !== "string" || !/^[a-z0-9_]{1,32}$/.test(c.command))
        throw badRequest("BOT_COMMAND_INVALID");
      if (typeof c.description !== "string" || c.description.length < 1 || c.description.length > 256) {
        throw badRequest("BOT_COMMAND_DESCRIPTION_INVALID");
      }
    }
    const scope = (p.scope ?? { type: "default" }) as Record<string, unknown>;
    let key = String(scope.type);
    if (scope.type === "chat") {
      this.knownChat(scope.chat_id);
      key = `chat:${scope.chat_id}`;
    }
    this.commands.set(key, commands as Array<{ command: string; description: string }>);
    return true;
  }

  /** Parses text + parse_mode as Telegram does, enforcing its limits. */
  private renderText(p: Record<string, unknown>): { text: string; entities?: TgEntity[] } {
    if (typeof p.text !== "string") throw badRequest("message text is empty");
    let parsed: { text: string; entities: TgEntity[] };
    if (p.parse_mode === undefined) {
      parsed = { text: p.text, entities: [] };
    } else if (p.parse_mode === "HTML") {
      try {
        parsed = parseTelegramHtml(p.text);
      } catch (err) {
        if (err instanceof TelegramHtmlError) throw badRequest(err.message);
        throw err;
      }
    } else {
      throw badRequest(`unsupported parse_mode "${String(p.parse_mode)}" in this fake`);
    }
    if (parsed.text.trim().length === 0) throw badRequest("message text is empty");
    if (parsed.text.length > 4096) throw badRequest("message is too long");
    return { text: parsed.text, ...(parsed.entities.length ? { entities: parsed.entities } : {}) };
  }

  private checkKeyboard(markup: unknown): TgMessage["reply_markup"] | undefined {
    if (markup === undefined) return undefined;
    const rows = (markup as { inline_keyboard?: unknown }).inline_keyboard;
    if (!Array.isArray(rows)) throw badRequest("inline keyboard expected");
    for (const row of rows) {
      if (!Array.isArray(row)) throw badRequest("inline keyboard rows must be arrays");
      for (const button of row as TgButton[]) {
        if (typeof button.text !== "string" || button.text.trim() === "")
          throw badRequest("BUTTON_TEXT_INVALID");
        if (button.callback_data !== undefined) {
          const bytes = Buffer.byteLength(String(button.callback_data));
          if (bytes < 1 || bytes > 64) throw badRequest("BUTTON_DATA_INVALID");
        } else if (button.url === undefined) {
          throw badRequest("can't parse inline keyboard button: a button needs callback_data or url");
        }
      }
    }
    if (rows.flat().length > 100) throw badRequest("reply markup is too long");
    return { inline_keyboard: rows as TgButton[][] };
  }

  private sendMessage(p: Record<string, unknown>): SentMessage {
    const state = this.knownChat(p.chat_id);
    const { text, entities } = this.renderText(p);
    const replyMarkup = this.checkKeyboard(p.reply_markup);
    const replyParams = p.reply_parameters as
      { message_id?: unknown; allow_sending_without_reply?: unknown } | undefined;
    const replyId = toInt(
      replyParams?.message_id ?? p.reply_to_message_id,
      "reply_parameters.message_id",
      false,
    );
    let replied: TgMessage | undefined;
    if (replyId !== undefined) {
      replied = state.messages.get(replyId);
      if (!replied && !toBool(replyParams?.allow_sending_without_reply))
        throw badRequest("message to be replied not found");
    }
    const message: SentMessage = {
      message_id: state.nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat: state.chat,
      from: this.botUser,
      text,
      ...(entities ? { entities } : {}),
      ...(replied ? { reply_to_message: replied } : {}),
      ...(replyMarkup ? { reply_markup: replyMarkup } : {}),
      source: p.text as string,
      ...(typeof p.parse_mode === "string" ? { parseMode: p.parse_mode } : {}),
    };
    state.messages.set(message.message_id, message);
    return message;
  }

  private editMessageText(p: Record<string, unknown>): SentMessage {
    const state = this.knownChat(p.chat_id);
    const id = toInt(p.message_id, "message_id", true)!;
    const existing = state.messages.get(id) as SentMessage | undefined;
    if (!existing) throw badRequest("message to edit not found");
    if (existing.from?.id !== this.botUser.id) throw badRequest("message can't be edited");
    const { text, entities } = this.renderText(p);
    const replyMarkup = this.checkKeyboard(p.reply_markup);
    if (existing.source === p.text && JSON.stringify(existing.reply_markup) === JSON.stringify(replyMarkup)) {
      throw badRequest(
        "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
      );
    }
    const edited: SentMessage = {
      ...existing,
      text,
      source: p.text as string,
      edit_date: Math.floor(Date.now() / 1000),
    };
    if (entities) edited.entities = entities;
    else delete edited.entities;
    if (replyMarkup) edited.reply_markup = replyMarkup;
    else delete edited.reply_markup;
    state.messages.set(id, edited);
    return edited;
  }

  private answerCallbackQuery(p: Record<string, unknown>) {
    const id = typeof p.callback_query_id === "string" ? p.callback_query_id : "";
    const query = this.callbackQueries.get(id);
    if (!query || query.answered)
      throw badRequest("query is too old and response timeout expired or query ID is invalid");
    if (typeof p.text === "string" && p.text.length > 200) throw badRequest("MESSAGE_TOO_LONG");
    query.answered = true;
    query.answer = p;
    return true;
  }
}

const waiterCalls = new WeakMap<ApiCall, PollWaiter>();
const pollWaiterOf = (call: ApiCall) => waiterCalls.get(call);

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function decodeParams(
  contentType: string,
  body: Buffer,
  query: URLSearchParams,
): Promise<{ params: Record<string, unknown>; encoding: string }> {
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  if (body.length === 0) return { params: fromForm(query.entries()), encoding: "query" };
  if (type === "application/json") {
    try {
      const parsed: unknown = JSON.parse(body.toString("utf8"));
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
        throw new Error("not an object");
      return { params: parsed as Record<string, unknown>, encoding: "json" };
    } catch {
      throw badRequest("can't parse JSON body");
    }
  }
  if (type === "application/x-www-form-urlencoded") {
    return { params: fromForm(new URLSearchParams(body.toString("utf8")).entries()), encoding: "urlencoded" };
  }
  if (type === "multipart/form-data") {
    const form = await new Response(new Uint8Array(body), {
      headers: { "Content-Type": contentType },
    }).formData();
    return { params: fromForm(form.entries()), encoding: "multipart" };
  }
  throw badRequest(`unsupported Content-Type "${type}"`);
}

/** Starts a fake Bot API server on 127.0.0.1 (random port). */
export async function startTelegramServer(options: TelegramServerOptions = {}): Promise<TelegramServer> {
  return new TelegramServer(options).start();
}

// ---- Handy fixtures -------------------------------------------------------------------------

export const user = (id: number, firstName = `用户${id}`, username?: string): TgUser => ({
  id,
  is_bot: false,
  first_name: firstName,
  ...(username ? { username } : {}),
});

export const privateChat = (u: TgUser): TgChat => ({ id: u.id, type: "private", first_name: u.first_name });

export const groupChat = (id: number, title = "财务工作群"): TgChat => ({ id, type: "supergroup", title });
