// The help desk's HTTP server: the page (static files, no inline scripts) and the JSON API.
import { createHash, timingSafeEqual } from "node:crypto";
import { createReadStream } from "node:fs";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import Fastify, { LogController, type FastifyReply, type FastifyRequest } from "fastify";
import rateLimit from "@fastify/rate-limit";
import fastifyStatic from "@fastify/static";
import multipart from "@fastify/multipart";
import { logger as rootLogger, type Logger } from "../config/logger.js";
import { MAX_LOGGED_QUESTION, type Journal, type QuestionStatus } from "../journal/index.js";
import { cleanText } from "../bot/updates.js";
import { ApiFailure, checkUploadName, type Library } from "./library.js";
import { openApiDocument } from "./openapi.js";
import { AskRequest, DocIdParams, PassageQuery, type ApiError } from "./schemas.js";
import type { WebSettings } from "./config.js";

export interface ServerOptions {
  library: Library;
  settings: Pick<WebSettings, "ADMIN_TOKEN" | "WEB_MAX_UPLOAD_MB" | "WEB_RATE_LIMIT" | "WEB_TRUST_PROXY">;
  logger?: Logger;
  /**
   * The bot's journal (JOURNAL_FILE): each question asked is logged in it (channel "web") and
   * GET /api/stats reads it. Not closed by the server. Without it questions are not logged.
   */
  journal?: Journal;
  /** The clock of the questions log (tests). */
  now?: () => number;
}

const PUBLIC_DIR = join(dirname(fileURLToPath(import.meta.url)), "public");
const PDFJS_DIR = dirname(createRequire(import.meta.url).resolve("pdfjs-dist/package.json"));

/** The page's policy: scripts, styles, fonts and workers only from this server; no inline script. */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const JSON_BODY_LIMIT = 64 * 1024;

const sha = (s: string) => createHash("sha256").update(s, "utf8").digest();

/** Whether the request carries the administrator token (compared in constant time). */
export function isAdmin(header: string | undefined, token: string | undefined): boolean {
  if (!token || !header) return false;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) return false;
  // Equal-length digests: timingSafeEqual's time does not depend on where the strings differ.
  return timingSafeEqual(sha(m[1]!), sha(token));
}

/**
 * A question as the questions log keeps it: control characters and lone surrogates removed (as
 * the bot does), whitespace runs made one space, capped; empty when nothing is left.
 */
export function loggedQuestion(text: string): string {
  return [...cleanText(text).replace(/\s+/g, " ").trim()].slice(0, MAX_LOGGED_QUESTION).join("").trim();
}

const fail = (status: number, code: string, message: string) => new ApiFailure(status, code, message);

function zodMessage(issues: Array<{ path: PropertyKey[]; message: string }>): string {
  return issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join(".") || "请求"}：${i.message}`)
    .join("；");
}

/** Maps any error to the API's {code, message}, with the HTTP status it deserves. */
function toApiError(err: unknown): { status: number; body: ApiError } {
  if (err instanceof ApiFailure)
    return { status: err.status, body: { code: err.code, message: err.message } };
  const e = err as { code?: string; statusCode?: number; message?: string };
  switch (e.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return {
        status: 413,
        body: {
          code: "body_too_large",
          message: `请求体太大（上限 ${JSON_BODY_LIMIT / 1024} KB）：请缩短问题。`,
        },
      };
    case "FST_REQ_FILE_TOO_LARGE":
      return {
        status: 413,
        body: {
          code: "file_too_large",
          message: "文件超过大小上限（WEB_MAX_UPLOAD_MB）：请上传较小的文件或联系管理员。",
        },
      };
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return {
        status: 415,
        body: {
          code: "unsupported_media_type",
          message: "请求的 Content-Type 不受支持：问答请用 application/json，上传请用 multipart/form-data。",
        },
      };
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return {
        status: 400,
        body: { code: "bad_json", message: '请求体不是有效的 JSON：请发送 {"question": "…"}。' },
      };
    case "FST_INVALID_MULTIPART_CONTENT_TYPE":
      return {
        status: 415,
        body: { code: "not_multipart", message: "上传请用 multipart/form-data，文件放在 file 字段。" },
      };
    case "FST_FILES_LIMIT":
    case "FST_PARTS_LIMIT":
    case "FST_FIELDS_LIMIT":
      return { status: 413, body: { code: "too_many_parts", message: "一次只能上传一个文件：请分开上传。" } };
  }
  if (e.statusCode === 429)
    return { status: 429, body: { code: "rate_limited", message: e.message ?? "请求太频繁：请稍后再试。" } };
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500)
    return { status: e.statusCode, body: { code: "bad_request", message: `请求有误：${e.message ?? ""}` } };
  return {
    status: 500,
    body: { code: "internal_error", message: "服务器出错：请稍后重试；如仍失败，请联系管理员查看日志。" },
  };
}

export async function buildServer(opts: ServerOptions) {
  const { library, settings, journal } = opts;
  const log = opts.logger ?? rootLogger;
  const now = opts.now ?? Date.now;
  const maxUpload = Math.round(settings.WEB_MAX_UPLOAD_MB * 1024 * 1024);
  const app = Fastify({
    loggerInstance: log.child({ component: "web" }),
    bodyLimit: JSON_BODY_LIMIT,
    trustProxy: settings.WEB_TRUST_PROXY,
    // One line per API request is logged below (onResponse), not fastify's two per request.
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { maxParamLength: 300 },
  });

  app.addHook("onClose", async () => library.close());
  app.addHook("onSend", async (_req, reply, payload) => {
    reply.header("Content-Security-Policy", CSP);
    reply.header("X-Content-Type-Options", "nosniff");
    reply.header("Referrer-Policy", "no-referrer");
    reply.header("X-Frame-Options", "DENY");
    reply.header("Cross-Origin-Opener-Policy", "same-origin");
    return payload;
  });
  app.addHook("onResponse", async (req, reply) => {
    if (req.url.startsWith("/api/"))
      req.log.info(
        {
          method: req.method,
          url: req.url.split("?")[0],
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime),
        },
        "request",
      );
  });

  app.setErrorHandler((err, req, reply) => {
    const { status, body } = toApiError(err);
    if (status >= 500) req.log.error({ err }, "request failed");
    return reply.status(status).type("application/json; charset=utf-8").send(body);
  });
  app.setNotFoundHandler((req, reply) =>
    reply.status(404).send({
      code: "not_found",
      message: req.url.startsWith("/api/")
        ? "没有这个接口：请查看 /api/openapi.json 中的接口列表。"
        : "没有这个页面：请从首页 / 开始。",
    } satisfies ApiError),
  );

  await app.register(rateLimit, {
    max: settings.WEB_RATE_LIMIT,
    timeWindow: "1 minute",
    // The page's own files are not counted: one page view loads several.
    allowList: (req) => !req.url.startsWith("/api/"),
    errorResponseBuilder: (_req, ctx) => ({
      statusCode: 429,
      code: "rate_limited",
      message: `请求太频繁（每分钟最多 ${ctx.max} 次）：请 ${Math.ceil(ctx.ttl / 1000)} 秒后再试。`,
    }),
  });
  await app.register(multipart, {
    limits: { fileSize: maxUpload, files: 1, fields: 4, fieldSize: 1024, parts: 5, headerPairs: 100 },
  });

  await app.register(fastifyStatic, { root: PUBLIC_DIR, prefix: "/", index: "index.html", wildcard: false });
  // pdf.js from the installed package: the library, its worker, CMaps and standard fonts (no CDN).
  await app.register(fastifyStatic, {
    root: join(PDFJS_DIR, "build"),
    prefix: "/vendor/pdfjs/build/",
    decorateReply: false,
    allowedPath: (path) => /^\/?pdf(\.worker)?\.min\.mjs$/.test(path),
  });
  for (const dir of ["cmaps", "standard_fonts"])
    await app.register(fastifyStatic, {
      root: join(PDFJS_DIR, dir),
      prefix: `/vendor/pdfjs/${dir}/`,
      decorateReply: false,
    });
  for (const page of ["/docs", "/view"]) app.get(page, (_req, reply) => reply.sendFile("index.html"));

  app.get("/healthz", async () => ({ ok: true, generation: library.engine.generation }));
  app.get("/api/openapi.json", async () => openApiDocument());

  app.post("/api/ask", async (req) => {
    const parsed = AskRequest.safeParse(req.body);
    if (!parsed.success)
      throw fail(
        400,
        "bad_request",
        `${zodMessage(parsed.error.issues)}。请发送 {"question": "问题", "context": 上次回答的 context}。`,
      );
    const started = performance.now();
    let status: QuestionStatus = "error";
    try {
      const result = library.ask(parsed.data);
      status = result.status;
      req.log.debug({ ms: performance.now() - started, status: result.status }, "answered");
      return result;
    } finally {
      logQuestion(req, parsed.data.question, status);
    }
  });

  /**
   * Adds the question to the questions log. The answer does not wait for it (a shared database
   * being slow never slows the help desk), and a journal failure is a warning, never a failed answer.
   */
  function logQuestion(req: FastifyRequest, text: string, status: QuestionStatus): void {
    const question = loggedQuestion(text);
    if (!journal || !question) return;
    const warn = (err: unknown) =>
      req.log.warn(
        { err: err instanceof Error ? err.message : String(err) },
        "could not log the question in the journal",
      );
    try {
      journal.logQuestion({ channel: "web", question, status }, now()).catch(warn);
    } catch (err) {
      warn(err); // an adapter that throws instead of rejecting
    }
  }

  /** Administrators only: 403 when no ADMIN_TOKEN is set, 401 without the right Bearer token. */
  const requireAdmin = (disabled: { code: string; message: string }) => async (req: FastifyRequest) => {
    if (!settings.ADMIN_TOKEN) throw fail(403, disabled.code, disabled.message);
    if (!isAdmin(req.headers.authorization, settings.ADMIN_TOKEN))
      throw fail(401, "unauthorized", "需要管理员口令：请在请求头加上 Authorization: Bearer <ADMIN_TOKEN>。");
  };

  app.get(
    "/api/stats",
    {
      preValidation: requireAdmin({
        code: "stats_disabled",
        message: "未设置 ADMIN_TOKEN，统计接口已关闭：请管理员设置后重启。",
      }),
    },
    async (_req, reply) => {
      // Not an error of this request: the start-up log says why the journal is not open.
      if (!journal)
        return reply.status(503).send({
          code: "no_journal",
          message: "没有打开问答日志（JOURNAL_FILE）：请管理员查看服务器日志。",
        } satisfies ApiError);
      return journal.stats(now());
    },
  );

  app.get("/api/docs", async () => library.documents());

  const docId = (req: FastifyRequest) => {
    const p = DocIdParams.safeParse(req.params);
    if (!p.success || !library.report(p.data.id))
      throw fail(404, "unknown_document", "没有这个文档：请在 /api/docs 的列表中选择文档 id。");
    return p.data.id;
  };

  app.get("/api/docs/:id", async (req) => library.report(docId(req)));

  app.get("/api/docs/:id/file", async (req, reply: FastifyReply) => {
    const id = docId(req);
    const file = library.filePath(id);
    if (!file) throw fail(404, "file_missing", "文档的原始文件已不在文档目录中：请管理员重新上传。");
    // Never rendered as a page of this site: a web page is sent as text to download.
    const type =
      file.format === "pdf"
        ? "application/pdf"
        : file.format === "html"
          ? "text/plain; charset=utf-8"
          : "text/plain";
    const disposition = file.format === "pdf" ? "inline" : "attachment";
    const ascii = encodeURIComponent(file.path.split(/[\\/]/).pop()!);
    reply.header("Content-Type", type);
    reply.header("Content-Disposition", `${disposition}; filename*=UTF-8''${ascii}`);
    reply.header("Cache-Control", "private, max-age=60");
    return reply.send(createReadStream(file.path));
  });

  app.get("/api/docs/:id/passage", async (req) => {
    const id = docId(req);
    const q = PassageQuery.safeParse(req.query);
    if (!q.success) throw fail(400, "bad_span", "请给出 start 和 end（回答中 span 的两个数）。");
    const passage = library.passage(id, [q.data.start, q.data.end]);
    if (!passage) throw fail(404, "unknown_span", "文档中没有这一段：文档可能已更新，请重新提问。");
    return passage;
  });

  app.post(
    "/api/docs",
    {
      // Checked before the body is read: a refused caller's upload never reaches the disk.
      preValidation: requireAdmin({
        code: "uploads_disabled",
        message: "未设置 ADMIN_TOKEN，网页上传已关闭：请管理员设置后重启，或把文件放进文档目录。",
      }),
    },
    async (req, reply) => {
      if (!req.isMultipart())
        throw fail(415, "not_multipart", "上传请用 multipart/form-data，文件放在 file 字段。");
      const part = await req.file();
      if (!part || part.fieldname !== "file")
        throw fail(400, "no_file", "没有收到文件：请把文件放在 file 字段上传。");
      // The name's type is checked before reading the bytes; the content is checked after.
      checkUploadName(part.filename);
      const bytes = await part.toBuffer();
      const replace = ["1", "true"].includes(String((req.query as Record<string, unknown>).replace ?? ""));
      const result = await library.upload(part.filename, bytes, replace);
      req.log.info({ doc: result.doc, bytes: bytes.length, replaced: result.replaced }, "document uploaded");
      return reply.status(201).send(result);
    },
  );

  return app;
}
export type WebServer = Awaited<ReturnType<typeof buildServer>>;
