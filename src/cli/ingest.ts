import { parseArgs } from "node:util";
import { loadConfig } from "../config/env.js";
import { logger } from "../config/logger.js";
import { openFromConfig, type IngestReport } from "../engine/index.js";

/** Readable per-document report: what the product understood of each disclosure. */
export function formatReport(report: IngestReport): string {
  const out: string[] = [];
  for (const d of report.documents) {
    out.push(`■ ${d.doc}`);
    out.push(
      `  单位：${d.unit ?? "（未识别）"}    地区：${d.region ?? "（未识别）"}    年度：${d.year ?? "（未识别）"}    类型：${d.kind}`,
    );
    if (d.aliases.length) out.push(`  简称：${d.aliases.join("、")}`);
    out.push(`  章节 ${d.sections} 个，句子 ${d.sentences} 句，表格 ${d.tables.length} 张`);
    for (const t of d.tables) {
      out.push(
        `    - ${t.title}${t.unit ? `（${t.unit}）` : ""}：${t.present ? `${t.rows} 行 × ${t.columns} 栏` : "正文中没有表格内容（可能是图片）"}`,
      );
    }
    for (const w of d.warnings) out.push(`  ⚠ ${w}`);
  }
  for (const f of report.failed) out.push(`✗ ${f.file}：${f.reason}`);
  out.push(
    `共 ${report.documents.length} 个文件已读入${report.failed.length ? `，${report.failed.length} 个无法读取` : ""}。`,
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
      tables: d.tables,
      warnings: d.warnings,
    }));
    process.stdout.write(JSON.stringify({ documents, failed: report.failed, built: report.built }) + "\n");
  } else process.stdout.write(formatReport(report) + "\n");
}

main().catch((err) => {
  logger.fatal({ err: (err as Error).message }, "ingest failed");
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
});
