// Made-up ruled tables for the tests of ruled cells (pdf-ruled-cells, pdf-ruled-tables).
import { textAt } from "./minimal-pdf.js";

/** Stroked segments (PDF space, origin bottom-left). */
export const line = (x1: number, y1: number, x2: number, y2: number) =>
  `0.5 w ${x1} ${y1} m ${x2} ${y2} l S\n`;
export const figure = (right: number, y: number, s: string) =>
  textAt(right - 5 - s.length * 5.56, y, 10, s, "F2");

// 项目 | 合计 | 基本支出 (人员经费 | 公用经费) | 项目支出: 基本支出 is merged over its two parts; 项目,
// 合计 and 项目支出 span both header lines. The header lines read 基本支出 first, then 项目 合计
// 项目支出 (centred lower), then 人员经费 公用经费: the names in print order are not the columns' order.
export const X = { label: 50, total: 150, staff: 210, office: 270, project: 330, end: 390 };
/** Lines of the table from the top ruling down; `header` false for a page continuing it without one. */
export function mergedHeaderTable(top: number, rows: Array<[string, ...string[]]>, header = true): string {
  const hMid = top - 25;
  const hBottom = header ? top - 50 : top;
  const bottom = hBottom - 25 * rows.length;
  let s = line(X.label, top, X.end, top);
  for (let k = 0; k <= rows.length; k++) s += line(X.label, hBottom - 25 * k, X.end, hBottom - 25 * k);
  for (const x of [X.label, X.total, X.staff, X.project, X.end]) s += line(x, top, x, bottom);
  if (header) {
    s += line(X.staff, hMid, X.project, hMid) + line(X.office, hMid, X.office, bottom);
    s += textAt(250, top - 16, 10, "基本支出");
    s +=
      textAt(80, top - 29, 10, "项目") +
      textAt(160, top - 29, 10, "合计") +
      textAt(340, top - 29, 10, "项目支出");
    s += textAt(220, top - 41, 10, "人员经费") + textAt(280, top - 41, 10, "公用经费");
  } else s += line(X.office, top, X.office, bottom);
  rows.forEach(([label, ...figures], k) => {
    const y = hBottom - 25 * k - 16;
    s += textAt(60, y, 10, label);
    figures.forEach((f, i) => {
      if (f) s += figure([X.staff, X.office, X.project, X.end][i]!, y, f);
    });
  });
  return s;
}

export const title = textAt(150, 780, 14, "某某单位一般公共预算支出表") + textAt(330, 758, 10, "单位：万元");
export const ROWS: Array<[string, ...string[]]> = [
  ["合计", "300.00", "150.00", "50.00", "100.00"],
  ["一般公共服务支出", "100.00", "60.00", "40.00", ""],
  ["教育支出", "200.00", "90.00", "10.00", "100.00"],
];
export const cellsOf = (t: {
  rows: Array<{ label: string; cells: Array<{ column: string | null; text: string }> }>;
}) => t.rows.map((r) => [r.label, ...r.cells.map((c) => `${c.column}=${c.text}`)]);
