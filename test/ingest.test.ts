import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import iconv from "iconv-lite";
import { compact, ingestBytes, ingestFile, listDocuments, type DocModel } from "../src/ingest/index.js";

const seeds = Object.fromEntries(
  await Promise.all(
    listDocuments("seeds").map(async (f) => {
      const o = await ingestFile(f);
      if (!o.ok) throw new Error(`${f}: ${o.reason}`);
      return [o.model.id.slice(0, 3), o.model] as const;
    }),
  ),
) as Record<string, DocModel>;

function cell(model: DocModel, opts: { code?: string; label?: string; table?: RegExp }, index = 0) {
  const rows = model.tables
    .filter((t) => !opts.table || opts.table.test(`${t.number ?? ""}${t.title}`))
    .flatMap((t) => t.rows.map((r) => ({ t, r })))
    .filter(
      ({ r }) => (opts.code ? r.code === opts.code : true) && (opts.label ? r.label === opts.label : true),
    );
  const figures = rows[0]?.r.cells.filter((c) => c.column !== "行次");
  return { row: rows[0]?.r, cell: figures?.[index], table: rows[0]?.t };
}

describe("metadata read from the document's own text", () => {
  it.each([
    ["000", "曾都区科学技术和经济信息化局", 2022, "部门决算", "曾都区"],
    ["001", "武冈市科技和工业信息化局", 2022, "整体支出绩效自评", "武冈市"],
    ["002", "曾都区科经局", 2023, "部门预算", "曾都区"],
    ["003", "科技和工信部门", 2023, "部门预算", "山海关区"],
    ["004", "焦作市城乡一体化示范区工业和信息化局", 2022, "部门决算", "焦作市城乡一体化示范区"],
  ])("seed %s: unit, year, kind, region", (id, unit, year, kind, region) => {
    const m = seeds[id]!.meta;
    expect(m.unit).toBe(unit);
    expect(m.year).toBe(year);
    expect(m.kind).toBe(kind);
    expect(m.region).toBe(region);
  });

  it("derives short names from the text, not other bureaus it mentions", () => {
    expect(seeds["000"]!.meta.aliases).toContain("曾都区科经局");
    expect(seeds["003"]!.meta.aliases).toContain("山海关区科工局");
    expect(seeds["001"]!.meta.aliases).not.toContain("武冈市财政局");
  });
});

describe("tables", () => {
  it("one cell per line (seed 003): 功能分类 and 经济分类 cells", () => {
    const m = seeds["003"]!;
    expect(cell(m, { code: "2210201" }).row?.label).toBe("住房公积金");
    expect(cell(m, { code: "2210201" }).cell?.text).toBe("12.26");
    expect(cell(m, { code: "30101", table: /基本支出/ }).cell?.text).toBe("49.41");
    expect(cell(m, { code: "30101", table: /基本支出/ }).row?.label).toBe("基本工资");
    // Side-by-side 收入 | 支出 groups in the 收支总表, a blank cell is not zero.
    expect(cell(m, { label: "六、科学技术支出", table: /收支总表/ }).cell?.text).toBe("317.61");
    const blank = cell(m, { label: "一、一般公共服务支出", table: /部门预算收支总表/ }).cell;
    expect(blank?.text).toBe("");
    expect(blank?.value).toBeNull();
  });

  it("space-separated rows (seed 004): wrapped labels, split codes, 行次, 三公 multi-level header", () => {
    const m = seeds["004"]!;
    expect(cell(m, { code: "30101" }).cell?.text).toBe("124.16");
    expect(cell(m, { code: "30201" }).row?.label).toBe("办公费");
    expect(cell(m, { code: "30201" }).cell?.text).toBe("4.64");
    expect(cell(m, { code: "2080505" }).row?.label).toBe("机关事业单位基本养老保险缴费支出");
    const carry = cell(m, { label: "年初结转和结余", table: /公开01表/ });
    expect(carry.cell?.text).toBe("967.64");
    expect(carry.row?.cells[0]?.column).toBe("行次");
    const sangong = m.tables.find((t) => t.number === "公开09表")!;
    const cells = sangong.rows[0]!.cells;
    expect(cells.find((c) => c.column === "预算数 › 合计")?.text).toBe("3.90");
    expect(cells.find((c) => c.column === "预算数 › 公务接待费")?.text).toBe("0.90");
    expect(cells.find((c) => c.column === "决算数 › 合计")?.text).toBe("0.00");
    expect(m.tables.find((t) => t.number === "公开01表")?.unit).toBe("万元");
  });

  it("records tables that are only named (images in the PDF) as absent", () => {
    const absent = seeds["000"]!.tables.filter((t) => !t.present);
    expect(absent.map((t) => t.title)).toContain("一、收入支出决算总表");
    const stated = seeds["000"]!.tables.find((t) => t.title.includes("政府性基金"));
    expect(stated?.statedEmpty).toBe(true);
  });

  it("every extracted cell and sentence is quoted verbatim (whitespace aside)", () => {
    for (const m of Object.values(seeds)) {
      const doc = compact(m.text);
      for (const t of m.tables)
        for (const r of t.rows) {
          for (const c of r.cells) {
            expect(compact(m.text.slice(c.span[0], c.span[1]))).toBe(compact(c.text));
          }
          expect(doc.includes(compact(m.text.slice(r.span[0], r.span[1])))).toBe(true);
        }
      for (const s of m.sentences)
        expect(compact(m.text.slice(s.span[0], s.span[1])).length).toBeGreaterThan(0);
    }
  });
});

describe("sentences", () => {
  it("re-joins hard-wrapped lines and drops page numbers", () => {
    const s = seeds["004"]!.sentences.find(
      (x) => x.text.includes("三公") && x.text.includes("支出决算为0.00万元"),
    );
    expect(s).toBeDefined();
    expect(s!.text).toContain("支出预算为3.90万元，支出决算为0.00万元");
    // "第一部分 …(汇总)概 / 3 / 况": the lone page number is not part of the text.
    expect(seeds["000"]!.sentences.some((x) => /概3况/.test(x.text))).toBe(false);
  });

  it("gives each sentence its section path", () => {
    const m = seeds["000"]!;
    const s = m.sentences.find((x) => x.text.includes("收入合计588.32万元"))!;
    expect(m.sections[s.section]?.path.join(" › ")).toContain("二、收入决算情况说明");
  });
});

describe("edge cases on made-up documents", () => {
  const doc =
    "某某县财政局2023年部门预算\n\n一、收入说明\n\n2023年收入合计 1,234.50\n万元，比上年增加 10 万元。\n";
  it("reads GBK/GB18030 text", () => {
    const o = ingestBytes("gbk.txt", iconv.encode(doc, "gbk"));
    expect(o.ok).toBe(true);
    if (o.ok) {
      expect(o.model.encoding).toBe("GB18030");
      expect(o.model.sentences.some((s) => s.text.includes("收入合计1,234.50万元"))).toBe(true);
    }
  });
  it("reads UTF-8 with a BOM", () => {
    const o = ingestBytes("bom.txt", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(doc)]));
    expect(o.ok && o.model.text.startsWith("某某县")).toBe(true);
  });
  it("refuses empty files and binary garbage with a reason", () => {
    const empty = ingestBytes("empty.txt", new Uint8Array());
    expect(empty).toEqual({ ok: false, file: "empty.txt", reason: "empty file" });
    const garbage = ingestBytes(
      "bin.txt",
      Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256),
    );
    expect(garbage.ok).toBe(false);
    const pdf = ingestBytes("x.txt", Buffer.from("%PDF-1.7\n\u0000\u0001\u0002 stream"));
    expect(pdf.ok).toBe(false);
  });
  it("joins a wrapped table label and a page number inside a sentence", () => {
    const text = [
      "测试县测试局2022年度部门决算",
      "收入决算表",
      "公开02表",
      "部门：测试县测试局 金额单位：万元",
      "科目编码 科目名称 本年收入合计 财政拨款收入",
      "栏次 1 2",
      "2080505",
      "机关事业单位基本养老保险缴",
      "",
      "费支出",
      "8.69 8.69",
      "注：本表反映收入。",
      "一、收入支出决算总体情况说明",
      "2022 年度收、支总计均为 701.63",
      "",
      "- 14 -",
      "",
      "万元，与上年相比增加 3 万元。",
    ].join("\n");
    const o = ingestBytes("wrap.txt", Buffer.from(text));
    expect(o.ok).toBe(true);
    if (!o.ok) return;
    const row = o.model.tables[0]!.rows.find((r) => r.code === "2080505")!;
    expect(row.label).toBe("机关事业单位基本养老保险缴费支出");
    expect(row.cells[0]!.text).toBe("8.69");
    expect(row.cells[0]!.column).toBe("本年收入合计");
    const s = o.model.sentences.find((x) => x.text.includes("701.63"))!;
    expect(s.text).toContain("收、支总计均为701.63万元");
    expect(o.model.meta.unit).toBe("测试县测试局");
  });
  it("keeps the original text untouched", () => {
    const raw = readFileSync("seeds/004_3ebdb615035bedba.txt", "utf8");
    expect(seeds["004"]!.text).toBe(raw);
  });
});

describe("sidecar metadata", () => {
  it("adds aliases and overrides fields; a change in the sidecar rebuilds the model", async () => {
    const { openEngine } = await import("../src/engine/index.js");
    const { tempDocs } = await import("./helpers/docs.js");
    const { writeFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { docsDir, indexDir } = tempDocs({
      "k.txt": "某某县某某局2022年度部门决算\n一、说明\n2022年度机关运行经费支出 3.5 万元。\n",
      "k.meta.json": JSON.stringify({ aliases: ["县某局"], kind: "单位决算" }),
    });
    let { engine } = await openEngine({ docsDir, indexDir, intentsDir: "intents" });
    expect(engine.documents()[0]).toMatchObject({ kind: "单位决算", unit: "某某县某某局" });
    expect(engine.documents()[0]!.aliases).toContain("县某局");
    expect(engine.ask("县某局机关运行经费").answers[0]?.value).toBe("3.5");
    writeFileSync(join(docsDir, "k.meta.json"), JSON.stringify({ year: 2021 }));
    ({ engine } = await openEngine({ docsDir, indexDir, intentsDir: "intents" }));
    expect(engine.documents()[0]!.year).toBe(2021);
  });
  it("an invalid sidecar is reported as a warning and ignored", async () => {
    const dir = mkdtempSync(join(tmpdir(), "side-"));
    writeFileSync(join(dir, "d.txt"), "某某县某某局2022年度部门决算\n2022年度收入合计 1 万元。\n");
    writeFileSync(join(dir, "d.meta.json"), '{"year": "last"}');
    const o = await ingestFile(join(dir, "d.txt"));
    expect(o.ok && o.model.meta.year).toBe(2022);
    expect(o.ok && o.model.warnings.join()).toMatch(/ignored d\.meta\.json/);
  });
});
