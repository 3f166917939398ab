// Pages of a document's text: `pages[n-1]` is the offset where page n starts (see DocModel.pages).

/** The 1-based page holding `offset`, or null when the document has no pages. */
export function pageOfOffset(pages: readonly number[], offset: number): number | null {
  if (pages.length === 0) return null;
  let lo = 0;
  let hi = pages.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (pages[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/** Every page a span [start, end) touches, in order; [] without pages. */
export function pagesOfSpan(pages: readonly number[], span: readonly [number, number]): number[] {
  const first = pageOfOffset(pages, span[0]);
  if (first === null) return [];
  const last = pageOfOffset(pages, Math.max(span[0], span[1] - 1))!;
  const out: number[] = [];
  for (let p = first; p <= last; p++) out.push(p);
  return out;
}

/**
 * Pages the printed content of `span` in `text` is on: the span less the whitespace (line ends,
 * form feeds) it starts or ends with. [] without pages.
 */
export function pagesOfContent(
  text: string,
  pages: readonly number[],
  span: readonly [number, number],
): number[] {
  if (pages.length === 0) return [];
  let [start, end] = span;
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return pagesOfSpan(pages, start < end ? [start, end] : span);
}

/** Page starts of a text whose pages are separated by form feeds (pdftotext output); [] if none. */
export function formFeedPages(text: string): number[] {
  if (!text.includes("\f")) return [];
  const starts = [0];
  const rest = /\S/g;
  for (let i = text.indexOf("\f"); i >= 0; i = text.indexOf("\f", i + 1)) {
    // a form feed that ends the text (pdftotext ends every page with one) starts no page
    rest.lastIndex = i + 1;
    if (!rest.test(text)) break;
    starts.push(i + 1);
  }
  return starts;
}
