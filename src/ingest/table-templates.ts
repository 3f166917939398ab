/**
 * Column layouts of standard national disclosure forms whose multi-level headers do not survive
 * text extraction. The 财政拨款"三公"经费支出(决)算表 prints one row of figures under a three-level
 * header; the layout is fixed by the Ministry of Finance template, so the figures map by position.
 */
const SANGONG_PARTS = [
  "合计",
  "因公出国（境）费",
  "公务用车购置及运行费 › 小计",
  "公务用车购置及运行费 › 公务用车购置费",
  "公务用车购置及运行费 › 公务用车运行费",
  "公务接待费",
];

/** Name of the metric an unlabelled template row measures ("三公经费"), or null. */
export function templateRowLabel(title: string): string | null {
  return /三公/.test(title) ? "三公经费" : null;
}

export function columnTemplateFor(title: string, valueCount: number): string[] | null {
  if (!/三公/.test(title)) return null;
  if (valueCount === 12) {
    return [...SANGONG_PARTS.map((p) => `预算数 › ${p}`), ...SANGONG_PARTS.map((p) => `决算数 › ${p}`)];
  }
  if (valueCount === 6)
    return SANGONG_PARTS.map((p) => (/决算/.test(title) ? `决算数 › ${p}` : `预算数 › ${p}`));
  return null;
}
