// Shared set-up of the help desk tests: a documents folder, the server on a free port, a PDF.
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { makePdf, textAt } from "../ingest/minimal-pdf.js";
import { logger } from "../../src/config/logger.js";
import { Library } from "../../src/web/library.js";
import { buildServer, type WebServer } from "../../src/web/server.js";
import type { WebSettings } from "../../src/web/config.js";

export const ADMIN_TOKEN = "test-admin-token-0123456789abcdef";

/** A temporary copy of seeds/ (plus extra files), and an empty index folder. */
export function docsFolder(extra: Record<string, string> = {}, seeds = readdirSync("seeds")) {
  const root = mkdtempSync(join(tmpdir(), "budget-qa-web-"));
  const docsDir = join(root, "docs");
  const indexDir = join(root, "index");
  mkdirSync(docsDir);
  for (const f of seeds) cpSync(join("seeds", f), join(docsDir, f));
  for (const [name, text] of Object.entries(extra)) writeFileSync(join(docsDir, name), text);
  return { root, docsDir, indexDir };
}

export interface Running {
  app: WebServer;
  library: Library;
  url: string;
  docsDir: string;
  close(): Promise<void>;
}

export async function startServer(
  docsDir: string,
  indexDir: string,
  settings: Partial<WebSettings> = {},
): Promise<Running> {
  const library = await Library.open({ docsDir, indexDir, intentsDir: "intents" });
  // As `npm run web` does with ADMIN_TOKEN set: the upload worker starts in the background.
  if (settings.ADMIN_TOKEN !== undefined || !("ADMIN_TOKEN" in settings)) void library.warmUploads();
  const app = await buildServer({
    library,
    // Request lines only when asked for (WEB_TEST_LOG=info): warnings and errors always.
    logger: logger.child({}, { level: process.env.WEB_TEST_LOG ?? "warn" }),
    settings: {
      ADMIN_TOKEN,
      WEB_MAX_UPLOAD_MB: 5,
      WEB_RATE_LIMIT: 10_000,
      WEB_TRUST_PROXY: false,
      ...settings,
    },
  });
  const address = await app.listen({ host: "127.0.0.1", port: 0 });
  return {
    app,
    library,
    url: address,
    docsDir,
    close: async () => {
      await app.close();
      // The temporary folders of docsFolder() (…/docs and …/index under one root) go too.
      const root = dirname(docsDir);
      if (basename(root).startsWith("budget-qa-web-")) rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * A PDF of a text document (the Chinese lines drawn with a non-embedded Song font, as many
 * generators do), wrapped at `width` characters, `perPage` lines a page.
 */
export function pdfOfText(text: string, width = 38, perPage = 40): Buffer {
  const lines: string[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    for (let i = 0; i < line.length; i += width) lines.push(line.slice(i, i + width));
  }
  const pages = [];
  for (let p = 0; p < lines.length; p += perPage)
    pages.push({
      content: lines
        .slice(p, p + perPage)
        .map((l, i) => textAt(50, 800 - i * 19, 12, l))
        .join(""),
    });
  return makePdf(pages);
}

export const TAOYUAN = readFileSync("test/fixtures/taoyuan-2024-budget.txt", "utf8");

export async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, unknown> };
}

export async function upload(url: string, name: string, bytes: Uint8Array, token?: string, query = "") {
  const form = new FormData();
  form.append("file", new Blob([new Uint8Array(bytes)]), name);
  const res = await fetch(`${url}/api/docs${query}`, {
    method: "POST",
    headers: token ? { authorization: `Bearer ${token}` } : {},
    body: form,
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}
