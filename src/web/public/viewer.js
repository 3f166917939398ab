/* global document, window */
// "在原文中查看" for PDFs: the original page drawn by pdf.js (served by this server from the
// installed pdfjs-dist, nothing from a CDN) with the figure's line or table row highlighted.
import * as pdfjs from "/vendor/pdfjs/build/pdf.min.mjs";
import { itemsToMark } from "/highlight.js";

pdfjs.GlobalWorkerOptions.workerSrc = "/vendor/pdfjs/build/pdf.worker.min.mjs";

/** Draws page `page` of the PDF at `url` into `container` and highlights the quote; true when found. */
export async function showPdfPage(container, { url, page, lines, value }) {
  const task = pdfjs.getDocument({
    url,
    cMapUrl: "/vendor/pdfjs/cmaps/",
    cMapPacked: true,
    standardFontDataUrl: "/vendor/pdfjs/standard_fonts/",
    isEvalSupported: false,
  });
  const pdf = await task.promise;
  const p = await pdf.getPage(page);
  const base = p.getViewport({ scale: 1 });
  const width = Math.min(container.clientWidth || 800, 1000);
  const viewport = p.getViewport({ scale: width / base.width });
  const ratio = window.devicePixelRatio || 1;

  const wrap = document.createElement("div");
  wrap.className = "pdf-page";
  wrap.style.width = `${viewport.width}px`;
  wrap.style.height = `${viewport.height}px`;
  const canvas = document.createElement("canvas");
  canvas.width = Math.floor(viewport.width * ratio);
  canvas.height = Math.floor(viewport.height * ratio);
  canvas.style.width = `${viewport.width}px`;
  canvas.style.height = `${viewport.height}px`;
  wrap.append(canvas);
  container.replaceChildren(wrap);

  await p.render({
    canvas,
    viewport,
    transform: ratio !== 1 ? [ratio, 0, 0, ratio, 0, 0] : undefined,
  }).promise;
  const content = await p.getTextContent();
  const items = content.items.filter((it) => typeof it.str === "string");
  const marks = itemsToMark(items, lines, value).filter((i) => items[i].str.trim());
  let first = null;
  // As pdf.js's own text layer places text: the item's matrix in viewport space, the font's
  // height from it, the baseline at its origin. Boxes on one line are joined into one (a row).
  const rects = [];
  for (const i of marks) {
    const it = items[i];
    const tx = pdfjs.Util.transform(viewport.transform, it.transform);
    const fontHeight = Math.hypot(tx[2], tx[3]);
    const length = it.width * viewport.scale;
    const vertical = Math.abs(tx[1]) > Math.abs(tx[0]);
    rects.push(
      vertical
        ? { x: tx[4] - fontHeight, y: tx[5], w: fontHeight * 1.2, h: length, line: fontHeight }
        : { x: tx[4], y: tx[5] - fontHeight * 0.95, w: length, h: fontHeight * 1.2, line: fontHeight },
    );
  }
  rects.sort((a, b) => a.y - b.y || a.x - b.x);
  const joined = [];
  for (const r of rects) {
    const last = joined[joined.length - 1];
    if (last && Math.abs(last.y - r.y) < Math.min(last.line, r.line) * 0.5) {
      const right = Math.max(last.x + last.w, r.x + r.w);
      const bottom = Math.max(last.y + last.h, r.y + r.h);
      last.x = Math.min(last.x, r.x);
      last.y = Math.min(last.y, r.y);
      last.w = right - last.x;
      last.h = bottom - last.y;
    } else joined.push({ ...r });
  }
  for (const r of joined) {
    const box = document.createElement("div");
    box.className = "hl";
    box.style.left = `${r.x - 3}px`;
    box.style.top = `${r.y - 2}px`;
    box.style.width = `${r.w + 6}px`;
    box.style.height = `${r.h + 4}px`;
    wrap.append(box);
    first ??= box;
  }
  wrap.dataset.highlights = String(joined.length);
  if (first) first.scrollIntoView({ block: "center" });
  await pdf.destroy();
  return marks.length > 0;
}
