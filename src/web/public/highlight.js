// Which text items of a PDF page print a quote: used by viewer.js, with no dependency, so the
// browser test can check it on its own.

const compact = (s) => s.replace(/\s+/g, "");

/**
 * Indexes of the text items that print `lines` (the lines of the quote as the reader laid them
 * out): each line is looked for, whitespace aside, in the page's items joined in drawing order.
 * When a line is not found that way (a table drawn column by column), the items printing the
 * figure and every item on the same baseline (the row) are taken.
 */
export function itemsToMark(items, lines, value) {
  const starts = [];
  let joined = "";
  items.forEach((it, i) => {
    starts[i] = joined.length;
    joined += compact(it.str);
  });
  const itemAt = (pos) => {
    let lo = 0;
    let hi = items.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const marked = new Set();
  const valueAt = value ? joined.indexOf(compact(value)) : -1;
  for (const line of lines.map(compact).filter((l) => l.length >= 2)) {
    // The occurrence nearest the figure, so a line printed twice on the page is not taken elsewhere.
    let best = -1;
    for (let at = joined.indexOf(line); at >= 0; at = joined.indexOf(line, at + 1))
      if (best < 0 || (valueAt >= 0 && Math.abs(at - valueAt) < Math.abs(best - valueAt))) best = at;
    if (best < 0) continue;
    for (let i = itemAt(best); i < items.length && starts[i] < best + line.length; i++) marked.add(i);
  }
  if (marked.size || !value) return [...marked];
  // A row: the items printing the figure, and every item on the same baseline.
  const v = compact(value);
  for (const it of items) {
    if (compact(it.str) !== v) continue;
    const y = it.transform[5];
    const h = it.height || Math.hypot(it.transform[2], it.transform[3]) || 10;
    items.forEach((o, j) => {
      if (Math.abs(o.transform[5] - y) < h * 0.5 && o.str.trim()) marked.add(j);
    });
  }
  return [...marked];
}
