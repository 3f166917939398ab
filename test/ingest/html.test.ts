import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { ingestDocument } from "../../src/ingest/index.js";
import { decodeHtml, readHtml } from "../../src/ingest/html.js";

const page = (charsetMeta: string, body: string) => `<!DOCTYPE html>
<html><head>${charsetMeta}<title>某某县财政局2023年部门预算公开</title>
<style>p { color: red }</style><script>var hidden = "不应出现的脚本文字";</script></head>
<body><div class="nav">首页 &gt; 信息公开</div>${body}</body></html>`;

const budget = `<h1>某某县财政局2023年部门预算</h1>
<p>一、2023年收入预算总计1,234.56万元，比上年增加12.00万元。</p>
<p>公开01表 收支预算总表</p>
<table border="1"><caption>单位：万元</caption>
<tr><th rowspan="2">科目编码</th><th rowspan="2">科目名称</th><th colspan="2">预算数</th></tr>
<tr><th>本年</th><th>上年</th></tr>
<tr><td>201</td><td>一般公共服务支出</td><td>1,000.00</td><td>900.00</td></tr>
<tr><td>205</td><td>教育支出</td><td></td><td>34.56</td></tr>
<tr><td colspan="2">合计</td><td>1,000.00</td><td>934.56</td></tr>
</table>
<p>二、“三公”经费支出预算3.50万元。</p>`;

describe("saved web pages", () => {
  it("a GBK page with <meta charset=gbk> and a table: decoded, scripts dropped, table as aligned rows", async () => {
    const bytes = iconv.encode(page('<meta charset="gbk">', budget), "gbk");
    const read = await readHtml(bytes);
    if (!read.ok) throw new Error(read.reason);
    expect(read.encoding).toBe("GB18030");
    expect(read.text).not.toContain("不应出现");
    expect(read.text).not.toContain("color: red");
    const lines = read.text.split("\n");
    expect(lines).toContain("一、2023年收入预算总计1,234.56万元，比上年增加12.00万元。");
    // caption, then one line per <tr>, cells two or more spaces apart, merged cells left empty
    const caption = lines.indexOf("单位：万元");
    expect(caption).toBeGreaterThan(lines.indexOf("公开01表 收支预算总表"));
    const row = lines.find((l) => l.startsWith("201"))!;
    expect(row.split(/ {2,}/)).toEqual(["201", "一般公共服务支出", "1,000.00", "900.00"]);
    const blank = lines.find((l) => l.startsWith("205"))!;
    expect(blank.indexOf("34.56")).toBe(row.indexOf("900.00")); // the blank cell keeps its column
    expect(lines.find((l) => l.startsWith("合计"))!.split(/ {2,}/)).toEqual(["合计", "1,000.00", "934.56"]);

    const o = await ingestDocument("某县财政局.html", bytes);
    if (!o.ok) throw new Error(o.reason);
    expect(o.model.format).toBe("html");
    expect(o.model.pages).toEqual([]);
    expect(o.model.encoding).toBe("GB18030");
    expect(o.model.meta.year).toBe(2023);
    const table = o.model.tables.find((t) => t.title.includes("收支预算总表"));
    expect(table?.present).toBe(true);
    expect(table?.rows.some((r) => r.code === "201" && r.cells.some((c) => c.text === "1,000.00"))).toBe(
      true,
    );
  });

  it("the charset of an http-equiv content-type, of a BOM, or detected", () => {
    const text = page('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', budget);
    const declared = decodeHtml(iconv.encode(text, "gbk"));
    expect("text" in declared && declared.text).toContain("收支预算总表");
    const bom = decodeHtml(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(page("", budget))]));
    expect("encoding" in bom && bom.encoding).toBe("UTF-8 (BOM)");
    const undeclared = decodeHtml(iconv.encode(page("", budget + budget + budget), "gb18030"));
    expect("text" in undeclared && undeclared.text).toContain("一般公共服务支出");
  });

  it("an image where a table should be: a line naming the image, and the table recorded as absent", async () => {
    const body = `<h1>某某县财政局2023年部门预算</h1>
<p>一、2023年收入预算总计1,234.56万元。</p>
<p>公开07表 “三公”经费支出预算表</p>
<p><img src="./budget_files/%E4%B8%89%E5%85%AC%E8%A1%A8.png" alt="三公"></p>
<p>二、其他重要事项的情况说明</p><p>本部门2023年机关运行经费预算5.00万元。</p>`;
    const bytes = Buffer.from(page('<meta charset="utf-8">', body));
    const read = await readHtml(bytes);
    if (!read.ok) throw new Error(read.reason);
    expect(read.text).toMatch(/此表为图片.*三公表\.png/);
    const o = await ingestDocument("img.htm", bytes);
    if (!o.ok) throw new Error(o.reason);
    const table = o.model.tables.find((t) => t.title.includes("三公"));
    expect(table?.present).toBe(false);
    expect(o.model.warnings.join("\n")).toMatch(/image/);
  });

  it("an image that is not under a table's title is not a table", async () => {
    const read = await readHtml(
      Buffer.from(page("", `<p>某某县财政局2023年部门预算</p><img src="logo.png"><p>正文。</p>`)),
    );
    expect(read.ok && read.text).not.toContain("logo.png");
  });

  it("a page without text is refused with a reason", async () => {
    const o = await ingestDocument(
      "empty.html",
      Buffer.from("<html><body><script>x()</script></body></html>"),
    );
    expect(o.ok).toBe(false);
    if (!o.ok) expect(o.reason).toMatch(/no text/);
  });
});
