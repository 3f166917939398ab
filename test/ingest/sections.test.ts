import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { ingestFile } from "../../src/ingest/index.js";
import { tempDocs } from "../helpers/docs.js";

/** How a document's headings nest: made-up texts shaped like real disclosures. */
describe("sections", () => {
  it("an unnumbered title over numbered headings (a project's explanation) is their parent; the next title closes it", async () => {
    const text = [
      "第三部分 2025年部门预算情况说明",
      "五、国有资产占有使用情况",
      "截至2024年8月31日，本部门共有车辆0辆。",
      "科技创新专项经费情况说明",
      " 一、项目概述",
      "   加快推动本区企业创新驱动发展。",
      " 六、年度预算安排",
      "   2025年度项目总预算1720.00万，其中各级企业技术中心认定1720.00万。",
      "生命健康专项（政策资金）经费情况说明",
      " 一、项目概述",
      "   推动生命健康产业发展。",
      " 六、年度预算安排",
      "   2025年度项目总预算1170.00万。",
    ].join("\n");
    const { docsDir } = tempDocs({ "swh_2025.txt": text });
    const out = await ingestFile(join(docsDir, "swh_2025.txt"));
    if (!out.ok) throw new Error(out.reason);
    const m = out.model;
    const pathOf = (words: string) =>
      m.sections[m.sentences.find((s) => s.text.includes(words))!.section]!.path;
    expect(pathOf("1720.00")).toEqual([
      "第三部分2025年部门预算情况说明",
      "科技创新专项经费情况说明",
      "六、年度预算安排",
    ]);
    expect(pathOf("1170.00")[1]).toBe("生命健康专项(政策资金)经费情况说明");
    // A numbered heading before any title keeps its place.
    expect(pathOf("共有车辆")).toEqual(["第三部分2025年部门预算情况说明", "五、国有资产占有使用情况"]);
  });
});
