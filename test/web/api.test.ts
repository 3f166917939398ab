// The help desk's HTTP API over real HTTP (fastify listening on a free port of 127.0.0.1).
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pino from "pino";
import type { Logger } from "../../src/config/logger.js";
import { localDay, openSqliteJournal, type Journal } from "../../src/journal/index.js";
import { Library } from "../../src/web/library.js";
import {
  AskResponse,
  DocsResponse,
  PassageResponse,
  StatsResponse,
  UploadResponse,
} from "../../src/web/schemas.js";
import { buildServer, isAdmin } from "../../src/web/server.js";
import {
  ADMIN_TOKEN,
  TAOYUAN,
  docsFolder,
  pdfOfText,
  post,
  startServer,
  upload,
  type Running,
} from "./helpers.js";

let s: Running;
beforeAll(async () => {
  const { docsDir, indexDir } = docsFolder();
  s = await startServer(docsDir, indexDir);
});
afterAll(() => s?.close());

const ask = (body: unknown) => post(`${s.url}/api/ask`, body);

describe("POST /api/ask", () => {
  it("answers with the figure, unit and verbatim quote, exactly as the engine (ask --jsonl) does", async () => {
    const question = "曾都区科经局2022年收支总计是多少？"; // dev.jsonl d000-01
    const r = await ask({ question });
    expect(r.status).toBe(200);
    const body = AskResponse.parse(r.json);
    expect(body.status).toBe("answered");
    expect(body.answers[0]).toMatchObject({ doc: "000_3203cba3208c2c1f", value: "701.63", unit: "万元" });
    expect(body.answers[0]!.quote).toContain("701.63");
    expect(readFileSync("seeds/000_3203cba3208c2c1f.txt", "utf8")).toContain(body.answers[0]!.quote);
    // The same JSON as the engine the CLI and the bot use.
    expect(r.json).toEqual(JSON.parse(JSON.stringify(s.library.engine.ask(question))));
    expect(body.context).toBeDefined();
  });

  it("answers a follow-up with the context of the previous answer", async () => {
    const first = await ask({ question: "曾都区科经局2022年三公经费决算多少" }); // dev.jsonl d000-05
    expect((first.json.answers as Array<{ value: string }>)[0]!.value).toBe("0");
    const follow = AskResponse.parse(
      (await ask({ question: "机关运行经费呢", context: first.json.context })).json,
    );
    expect(follow.answers.map((a) => [a.doc, a.value])).toEqual([["000_3203cba3208c2c1f", "9.39"]]);
    // Without the context the same words are about every unit.
    const alone = AskResponse.parse((await ask({ question: "机关运行经费呢" })).json);
    expect(alone.answers.length).toBeGreaterThan(1);
  });

  it("gives a computed answer with its formula and inputs", async () => {
    const body = AskResponse.parse(
      (await ask({ question: "曾都区科经局2022年基本支出加项目支出一共多少" })).json,
    );
    expect(body.answers[0]).toMatchObject({ value: "701.63", source: "computed" });
    expect(body.answers[0]!.formula).toBe("基本支出 462.44 + 项目支出 239.19 = 701.63 万元");
    expect(body.answers[0]!.inputs?.map((i) => i.value)).toEqual(["462.44", "239.19"]);
  });

  it("restricts to the documents picked (a choice of an ambiguous answer)", async () => {
    const body = AskResponse.parse(
      (await ask({ question: "三公经费多少", docs: ["004_3ebdb615035bedba"] })).json,
    );
    expect(new Set(body.answers.map((a) => a.doc))).toEqual(new Set(["004_3ebdb615035bedba"]));
    expect(body.answers.map((a) => a.value)).toContain("0.00");
  });

  it("refuses bad requests with a JSON code and a message saying what to do", async () => {
    const cases: Array<[unknown, number, string]> = [
      [{}, 400, "bad_request"],
      [{ question: 42 }, 400, "bad_request"],
      [{ question: "x", extra: 1 }, 400, "bad_request"],
      [{ question: "x", context: { year: "2022" } }, 400, "bad_request"],
      ["{not json", 400, "bad_json"],
      [{ question: "三".repeat(501) }, 400, "bad_request"],
      [{ question: "三".repeat(40_000) }, 413, "body_too_large"],
    ];
    for (const [body, status, code] of cases) {
      const r = await ask(body);
      expect([r.status, r.json.code], JSON.stringify(body).slice(0, 60)).toEqual([status, code]);
      expect(r.json.message).toMatch(/请/);
    }
    const wrongType = await fetch(`${s.url}/api/ask`, {
      method: "POST",
      body: "question",
      headers: { "content-type": "text/plain" },
    });
    expect(wrongType.status).toBe(400);
    expect(((await wrongType.json()) as { code: string }).code).toBe("bad_request");
    const form = await fetch(`${s.url}/api/ask`, {
      method: "POST",
      body: "a=b",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(form.status).toBe(415);
    expect(((await form.json()) as { code: string }).code).toBe("unsupported_media_type");
  });

  it("returns user text as data, never as markup", async () => {
    const r = await ask({ question: "<script>alert(1)</script>三公经费" });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/^application\/json/);
  });
});

describe("documents", () => {
  it("lists the catalog and each document's ingest report", async () => {
    const list = DocsResponse.parse(await (await fetch(`${s.url}/api/docs`)).json());
    expect(list.documents.map((d) => d.doc)).toEqual(
      readdirSync("seeds").map((f) => f.replace(/\.txt$/, "")),
    );
    expect(list.documents.find((d) => d.doc === "004_3ebdb615035bedba")).toMatchObject({
      unit: "焦作市城乡一体化示范区工业和信息化局",
      year: 2022,
      kind: "部门决算",
      tables: 16,
    });
    const report = (await (await fetch(`${s.url}/api/docs/004_3ebdb615035bedba`)).json()) as {
      tables: Array<{ title: string; checks: { run: number } }>;
      warnings: string[];
    };
    expect(report.tables).toHaveLength(16);
    expect(report.tables.some((t) => t.checks.run > 0)).toBe(true);
  });

  it("serves the original file and nothing outside the documents folder", async () => {
    const res = await fetch(`${s.url}/api/docs/000_3203cba3208c2c1f/file`);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(readFileSync("seeds/000_3203cba3208c2c1f.txt"));
    expect(res.headers.get("content-disposition")).toMatch(/^attachment/);
    for (const bad of ["..%2Fpackage.json", "%2E%2E%2F%2E%2E%2Fpackage", "..%5Cpackage", "nope", "%00"]) {
      const r = await fetch(`${s.url}/api/docs/${bad}/file`);
      expect(r.status, bad).toBe(404);
      expect(((await r.json()) as { code: string }).code).toMatch(/unknown_document|not_found/);
    }
  });

  it("gives the quote of an answer in its context", async () => {
    const a = AskResponse.parse((await ask({ question: "曾都区科经局2022年收支总计是多少？" })).json)
      .answers[0]!;
    const res = await fetch(`${s.url}/api/docs/${a.doc}/passage?start=${a.span![0]}&end=${a.span![1]}`);
    const p = PassageResponse.parse(await res.json());
    expect(p.text.slice(p.mark[0], p.mark[1])).toBe(a.quote);
    expect(p.text.length).toBeGreaterThan(a.quote.length + 500);
    expect(p.lines.join("")).toContain("701.63");
    const bad = await fetch(`${s.url}/api/docs/${a.doc}/passage?start=x`);
    expect(bad.status).toBe(400);
  });

  it("publishes an OpenAPI document generated from the schemas", async () => {
    const doc = (await (await fetch(`${s.url}/api/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/api/ask",
        "/api/stats",
        "/api/docs",
        "/api/docs/{id}",
        "/api/docs/{id}/file",
      ]),
    );
    expect(doc.components.schemas.StatsResponse!.properties).toHaveProperty("channels");
    expect(Object.keys(doc.components.schemas.AskRequest!.properties!)).toEqual([
      "question",
      "context",
      "docs",
    ]);
    expect(doc.components.schemas.AskResponse!.properties).toHaveProperty("answers");
  });

  it("sends the security headers and JSON errors for unknown paths", async () => {
    const page = await fetch(`${s.url}/`);
    const csp = page.headers.get("content-security-policy")!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    const missing = await fetch(`${s.url}/api/nothing`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: "not_found" });
    const pdfjs = await fetch(`${s.url}/vendor/pdfjs/build/pdf.min.mjs`);
    expect(pdfjs.status).toBe(200);
    expect(pdfjs.headers.get("content-type")).toMatch(/javascript/);
    expect((await fetch(`${s.url}/vendor/pdfjs/build/pdf.mjs.map`)).status).toBe(404);
  });
});

describe("POST /api/docs (administrators)", () => {
  const pdf = pdfOfText(TAOYUAN);

  it("refuses a caller without the token before anything touches the documents folder", async () => {
    const before = readdirSync(s.docsDir);
    for (const token of [undefined, "wrong", ADMIN_TOKEN.slice(0, -1), `${ADMIN_TOKEN}x`]) {
      const r = await upload(s.url, "taoyuan.pdf", pdf, token);
      expect([r.status, r.json.code]).toEqual([401, "unauthorized"]);
    }
    expect(readdirSync(s.docsDir)).toEqual(before);
  });

  it("checks type and size before saving", async () => {
    const before = readdirSync(s.docsDir);
    const cases: Array<[string, Uint8Array, number, string]> = [
      ["evil.exe", Buffer.from("MZ..."), 415, "unsupported_type"],
      ["fake.pdf", Buffer.from("not a pdf at all"), 415, "not_a_pdf"],
      ["bin.txt", Buffer.from([0x50, 0, 1, 2, 3]), 415, "binary_content"],
      ["pdf.txt", pdf, 415, "type_mismatch"],
      [".hidden.txt", Buffer.from("文字"), 400, "bad_file_name"],
      ["big.txt", Buffer.alloc(6 * 1024 * 1024, 0x41), 413, "file_too_large"],
      ["000_3203cba3208c2c1f.txt", Buffer.from("文字"), 409, "document_exists"],
      ["empty.txt", Buffer.alloc(0), 400, "empty_file"],
    ];
    for (const [name, bytes, status, code] of cases) {
      const r = await upload(s.url, name, bytes, ADMIN_TOKEN);
      expect([r.status, r.json.code], name).toEqual([status, code]);
    }
    expect(readdirSync(s.docsDir)).toEqual(before);
  });

  it("saves, reads and indexes an uploaded PDF; the next question is answered from it", async () => {
    const generation = s.library.engine.generation;
    const r = await upload(s.url, "taoyuan-2024.pdf", pdf, ADMIN_TOKEN);
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    const body = UploadResponse.parse(r.json);
    expect(body.report).toMatchObject({
      doc: "taoyuan-2024",
      unit: "桃源县农业农村局",
      year: 2024,
      format: "pdf",
      pageCount: 1,
    });
    expect(body.generation).not.toBe(generation);
    expect(readFileSync(join(s.docsDir, "taoyuan-2024.pdf"))).toEqual(pdf);
    expect(readdirSync(s.docsDir).filter((f) => f.startsWith("."))).toEqual([]);

    const a = AskResponse.parse((await ask({ question: "桃源县农业农村局2024年三公经费预算是多少" })).json);
    expect(a.answers[0]).toMatchObject({ doc: "taoyuan-2024", value: "150,000.00", unit: "元", page: 1 });
    const file = await fetch(`${s.url}/api/docs/taoyuan-2024/file`);
    expect(file.headers.get("content-type")).toBe("application/pdf");
    const p = PassageResponse.parse(
      await (
        await fetch(
          `${s.url}/api/docs/taoyuan-2024/passage?start=${a.answers[0]!.span![0]}&end=${a.answers[0]!.span![1]}`,
        )
      ).json(),
    );
    expect(p).toMatchObject({ format: "pdf", page: 1 });
    expect(p.lines.join("")).toContain("150,000.00");

    const again = await upload(s.url, "taoyuan-2024.pdf", pdf, ADMIN_TOKEN);
    expect([again.status, again.json.code]).toEqual([409, "document_exists"]);
    const replaced = await upload(s.url, "taoyuan-2024.pdf", pdf, ADMIN_TOKEN, "?replace=true");
    expect([replaced.status, replaced.json.replaced]).toEqual([201, true]);
  });

  it("takes a saved web page and never serves it back as a page of this site", async () => {
    const html = `<!doctype html><html><head><meta charset="utf-8"><title>某某县测试局2023年部门预算</title>
      <script>alert(1)</script></head><body><h1>某某县测试局2023年部门预算公开说明</h1>
      <p>2023年“三公”经费预算数为3.50万元，比上年减少0.50万元。</p></body></html>`;
    const r = await upload(s.url, "ceshi-2023.html", Buffer.from(html), ADMIN_TOKEN);
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    expect(UploadResponse.parse(r.json).report).toMatchObject({ format: "html", year: 2023 });
    const a = AskResponse.parse((await ask({ question: "某某县测试局2023年三公经费预算" })).json);
    expect(a.answers[0]).toMatchObject({ doc: "ceshi-2023", value: "3.50", unit: "万元" });
    const file = await fetch(`${s.url}/api/docs/ceshi-2023/file`);
    expect(file.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(file.headers.get("content-disposition")).toMatch(/^attachment/);
    expect(file.headers.get("content-security-policy")).toContain("default-src 'self'");
  });

  it("refuses an unreadable document with the reason and leaves the folder as it was", async () => {
    const before = readdirSync(s.docsDir);
    const r = await upload(s.url, "scan.pdf", Buffer.from("%PDF-1.4\n%broken\n"), ADMIN_TOKEN);
    expect([r.status, r.json.code]).toEqual([422, "unreadable_document"]);
    expect(readdirSync(s.docsDir)).toEqual(before);
    expect(existsSync(join(s.docsDir, "scan.pdf"))).toBe(false);
  });
});

describe("the questions log (the bot's journal)", () => {
  it("logs each question asked over HTTP; GET /api/stats shows it to administrators only", async () => {
    const { root, docsDir, indexDir } = docsFolder({}, ["000_3203cba3208c2c1f.txt"]);
    const journalFile = join(root, "journal.sqlite");
    const file = openSqliteJournal(journalFile);
    let broken = false;
    // The journal, whose logQuestion fails while `broken`.
    const journal = new Proxy(file, {
      get: (target, prop) =>
        prop === "logQuestion" && broken
          ? () => Promise.reject(new Error("disk I/O error"))
          : (Reflect.get(target, prop, target) as (...a: unknown[]) => unknown).bind(target),
    }) as Journal;
    const warnings: string[] = [];
    const log = pino(
      { level: "warn", base: undefined },
      { write: (line: string) => void warnings.push((JSON.parse(line) as { msg: string }).msg) },
    ) as unknown as Logger;
    const library = await Library.open({ docsDir, indexDir, intentsDir: "intents" });
    const app = await buildServer({
      library,
      journal,
      logger: log,
      settings: { ADMIN_TOKEN, WEB_MAX_UPLOAD_MB: 1, WEB_RATE_LIMIT: 1000, WEB_TRUST_PROXY: false },
    });
    const url = await app.listen({ host: "127.0.0.1", port: 0 });
    try {
      const stats = (token?: string) =>
        fetch(`${url}/api/stats`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
      const answered = await post(`${url}/api/ask`, { question: "曾都区科经局2022年收支总计是多少？" });
      const missing = await post(`${url}/api/ask`, { question: "  火星\u0007基地\n建设费多少 " });
      expect([answered.json.status, missing.json.status]).toEqual(["answered", "not_found"]);
      await post(`${url}/api/ask`, { question: "x", extra: 1 }); // refused: not a question, not logged

      expect((await stats()).status).toBe(401);
      const wrong = await stats("not-the-admin-token-at-all");
      expect([wrong.status, ((await wrong.json()) as { code: string }).code]).toEqual([401, "unauthorized"]);
      // A server opened without a journal says so.
      const none = await fetch(`${s.url}/api/stats`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect([none.status, ((await none.json()) as { code: string }).code]).toEqual([503, "no_journal"]);
      const ok = await stats(ADMIN_TOKEN);
      expect(ok.status).toBe(200);
      const body = StatsResponse.parse(await ok.json());
      expect(body.channels).toEqual([
        { channel: "web", questions: 2, answered: 1, notFound: 1, ambiguous: 0, errors: 0 },
      ]);
      expect(body.days).toEqual([
        { day: localDay(Date.now()), questions: 2, answered: 1, notFound: 1, ambiguous: 0, errors: 0 },
      ]);
      // Cleaned as the bot cleans what users type: no control characters, one space for a run.
      expect(body.unanswered).toEqual([{ question: "火星基地 建设费多少", count: 1 }]);

      // A journal that fails costs the log entry, never the answer.
      broken = true;
      const still = await post(`${url}/api/ask`, { question: "曾都区科经局2022年收支总计是多少？" });
      expect([still.status, still.json.status]).toEqual([200, "answered"]);
      expect(warnings).toContain("could not log the question in the journal");
    } finally {
      await app.close();
      await file.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("settings", () => {
  it("compares the administrator token in constant time, and only a Bearer token", () => {
    expect(isAdmin(`Bearer ${ADMIN_TOKEN}`, ADMIN_TOKEN)).toBe(true);
    expect(isAdmin(ADMIN_TOKEN, ADMIN_TOKEN)).toBe(false);
    expect(isAdmin("Bearer ", ADMIN_TOKEN)).toBe(false);
    expect(isAdmin(`Bearer ${ADMIN_TOKEN}`, undefined)).toBe(false);
  });

  it("disables uploads without ADMIN_TOKEN and limits requests per client", async () => {
    const { docsDir, indexDir } = docsFolder({}, ["000_3203cba3208c2c1f.txt"]);
    const t = await startServer(docsDir, indexDir, { ADMIN_TOKEN: undefined, WEB_RATE_LIMIT: 4 });
    try {
      const r = await upload(t.url, "a.txt", Buffer.from("文字"), "anything-at-all-16");
      expect([r.status, r.json.code]).toEqual([403, "uploads_disabled"]);
      const codes: number[] = [];
      for (let i = 0; i < 3; i++)
        codes.push((await post(`${t.url}/api/ask`, { question: "三公经费" })).status);
      const limited = await post(`${t.url}/api/ask`, { question: "三公经费" });
      expect(codes).toEqual([200, 200, 200]);
      expect([limited.status, limited.json.code]).toEqual([429, "rate_limited"]);
      expect(limited.json.message).toMatch(/秒后再试/);
      // The upload and three questions: four requests this minute. The page's files are not counted.
      expect((await fetch(`${t.url}/`)).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});
