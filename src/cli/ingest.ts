import { parseArgs } from "node:util";
import { loadConfig } from "../config/env.js";
import { logger } from "../config/logger.js";
import { openFromConfig, type IngestReport } from "../engine/index.js";

const FORMAT_NAMES: Record<string, string> = { txt: "文本", pdf: "PDF", html: "网页" };

/** "，第 3–4 页" for a table's pages. */
function pageList(pages: number[]): string {
  if (!pages.length) return "";
  const first = pages[0]!;
  const last = pages[pages.length - 1]!;
  return first === last ? `，第 ${first} 页` : `，第 ${first}–${last} 页`;
}

/** A file listed because the product does not read its format (not an unreadable document). */
export const isUnknownFormat = (f: { reason: string }) => f.reason.startsWith("unknown format");

/** Readable per-document report: what the product understood of each disclosure. */
export function formatReport(report: IngestReport): string {
  const out: string[] = [];
  for (const d of report.documents) {
    const pages = d.pageCount ? `，${d.pageCount} 页` : "";
    out.push(`■ ${d.doc}（${FORMAT_NAMES[d.format] ?? d.format}${pages}）`);
    out.push(
      `  单位：${d.unit ?? "（未识别）"}    地区：${d.region ?? "（未识别）"}    年度：${d.year ?? "（未识别）"}    类型：${d.kind}`,
    );
    if (d.aliases.length) out.push(`  简称：${d.aliases.join("、")}`);
    out.push(`  章节 ${d.sections} 个，句子 ${d.sentences} 句，表格 ${d.tables.length} 张`);
    for (const t of d.tables) {
      out.push(
        `    - ${t.title}${t.unit ? `（${t.unit}）` : ""}：${t.present ? `${t.rows} 行 × ${t.columns} 栏` : t.empty ? "空表（印出了表头，没有数字）" : "正文中没有表格内容（可能是图片）"}${pageList(t.pages)}`,
      );
    }
    for (const w of d.warnings) out.push(`  ⚠ ${w}`);
  }
  const unread = report.failed.filter(isUnknownFormat);
  const failed = report.failed.filter((f) => !isUnknownFormat(f));
  for (const f of failed) out.push(`✗ ${f.file}：无法读取（${f.reason}）`);
  for (const f of unread) out.push(`– ${f.file}：未读取（${f.reason}）`);
  out.push(
    `共 ${report.documents.length} 个文件已读入${failed.length ? `，${failed.length} 个无法读取` : ""}${unread.length ? `，${unread.length} 个格式不支持、未读取` : ""}。`,
  );
  const b = report.built;
  if (b?.documents)
    out.push(
      `本次重建索引 ${b.documents} 个文件（${b.threads ? `${b.threads} 个工作线程` : "单线程"}，用时 ${(b.ms / 1000).toFixed(1)} 秒）。`,
    );
  return out.join("\n");
}

async function main() {
  const { values } = parseArgs({
    options: {
      docs: { type: "string" },
      json: { type: "boolean", default: false },
      rebuild: { type: "boolean", default: false },
    },
  });
  const config = loadConfig();
  const { report } = await openFromConfig(config, { docsDir: values.docs, rebuild: values.rebuild });
  if (values.json) {
    const documents = report.documents.map((d) => ({
      doc: d.doc,
      unit: d.unit,
      aliases: d.aliases,
      region: d.region,
      year: d.year,
      kind: d.kind,
      format: d.format,
      pageCount: d.pageCount,
      tables: d.tables,
      warnings: d.warnings,
    }));
    process.stdout.write(JSON.stringify({ documents, failed: report.failed, built: report.built }) + "\n");
  } else process.stdout.write(formatReport(report) + "\n");
  // Every readable document has been read; a document that could not be read fails the run.
  if (report.failed.some((f) => !isUnknownFormat(f))) process.exitCode = 1;
}

main().catch((err) => {
  logger.fatal({ err: (err as Error).message }, "ingest failed");
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
});
