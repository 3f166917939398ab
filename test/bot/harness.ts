// Shared setup for bot tests: the fake Bot API server, the real bot on it, captured logs.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { openSqliteJournal, type Journal } from "../../src/journal/index.js";
import type { AnswerItem, AnswerResult, AskOptions, DocSummary } from "../../src/answer/types.js";
import type { Logger } from "../../src/config/logger.js";
import type { Engine, IngestReport } from "../../src/engine/index.js";
import { createBot, type BudgetBot, type CreateBotOptions } from "../../src/bot/bot.js";
import { startPolling, type RunningBot } from "../../src/bot/run.js";
import { startTelegramServer, type TelegramServer } from "../helpers/telegram-server.js";

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A pino logger that keeps its lines in memory, so tests can assert what was logged. */
export function memoryLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino(
    { level: "debug", base: undefined },
    { write: (s: string) => void lines.push(JSON.parse(s) as LogLine) },
  ) as unknown as Logger;
  return { logger, lines };
}

export interface BotHarness {
  server: TelegramServer;
  app: BudgetBot;
  running: RunningBot;
  journal: Journal;
  logs: LogLine[];
  stop(): Promise<void>;
}

/** A journal in a fresh temporary folder; `dispose` closes it and removes the folder. */
export function tempJournal(): { journal: Journal; path: string; dispose: () => Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), "bot-journal-"));
  const path = join(dir, "journal.sqlite");
  const journal = openSqliteJournal(path);
  return {
    journal,
    path,
    dispose: async () => {
      await journal.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface HarnessOptions {
  getEngine: () => Engine;
  reload?: () => Promise<IngestReport>;
  allowed?: number[];
  admins?: number[];
  /** Reuse a server (e.g. to restart the bot on the same "Telegram"). */
  server?: TelegramServer;
  /** Reuse a journal (a restart); by default a fresh one, removed at stop. */
  journal?: Journal;
  now?: () => number;
  stopTimeoutMs?: number;
  conflictAtStartMs?: number;
  intake?: CreateBotOptions["intake"];
}

export async function startBotHarness(options: HarnessOptions): Promise<BotHarness> {
  const server = options.server ?? (await startTelegramServer());
  const { logger, lines } = memoryLogger();
  const own = options.journal ? undefined : tempJournal();
  const journal = options.journal ?? own!.journal;
  const app = createBot({
    journal,
    now: options.now,
    intake: options.intake,
    token: server.token,
    apiRoot: server.apiRoot,
    getEngine: options.getEngine,
    reload: options.reload ?? (() => Promise.reject(new Error("reload not expected in this test"))),
    config: { ALLOWED_CHAT_IDS: options.allowed ?? [], ADMIN_USER_IDS: options.admins ?? [] },
    logger,
  });
  const running = await startPolling(app, {
    pollTimeoutSeconds: 5,
    logger,
    stopTimeoutMs: options.stopTimeoutMs,
    conflictAtStartMs: options.conflictAtStartMs,
  });
  return {
    server,
    app,
    running,
    journal,
    logs: lines,
    async stop() {
      await running.stop();
      await own?.dispose();
      if (!options.server) await server.close();
    },
  };
}

// ---- A scripted engine for handler-level tests ----------------------------------------------

export const DOCS: DocSummary[] = [
  {
    doc: "jz-gxj-2022",
    unit: "焦作示范区工信局",
    aliases: ["工信局"],
    region: "焦作",
    year: 2022,
    kind: "部门决算",
  },
  {
    doc: "zd-kjj-2023",
    unit: "曾都区科学技术和经济信息化局",
    aliases: ["科经局"],
    region: "曾都区",
    year: 2023,
    kind: "部门预算",
  },
];

export function item(overrides: Partial<AnswerItem> = {}): AnswerItem {
  return {
    doc: "jz-gxj-2022",
    value: "223.76",
    unit: "万元",
    quote: "2022年度基本支出223.76万元，占总支出的41.2%。",
    label: "基本支出 › 决算数",
    department: "焦作示范区工信局",
    year: 2022,
    docKind: "部门决算",
    section: "第二部分 › 三、支出决算情况说明",
    source: "text",
    span: [1200, 1230],
    ...overrides,
  };
}

export interface ScriptedEngine extends Engine {
  /** Every ask() call, in order. */
  readonly asked: Array<{ question: string; options?: AskOptions }>;
  generation: string;
}

/**
 * An engine whose answers are given by `answer(question, options)`; passage() returns the text
 * in `passages` keyed by "doc:start-end".
 */
export function scriptedEngine(
  answer: (question: string, options?: AskOptions) => AnswerResult,
  passages: Record<string, string> = {},
  generation = "gen-1",
): ScriptedEngine {
  const asked: ScriptedEngine["asked"] = [];
  return {
    asked,
    generation,
    ask(question, options) {
      asked.push({ question, options });
      return answer(question, options);
    },
    documents: () => DOCS,
    passage: (doc, span) => passages[`${doc}:${span[0]}-${span[1]}`] ?? null,
    warmUp: async () => {},
    loadedDocuments: () => DOCS.length,
  };
}

export const answered = (items: AnswerItem[], reply = "找到以下数字："): AnswerResult => ({
  status: "answered",
  answers: items,
  reply,
  via: "test",
});

export const notFound = (reply = "没有找到相关数字。"): AnswerResult => ({
  status: "not_found",
  answers: [],
  reply,
});
