// Minimal PDFs written by hand (no PDF library): enough syntax for pdf.js to read text, pages,
// rotation, drawings, encryption and breakage. Chinese text uses the non-embedded Adobe-GB1 font
// STSong-Light with the UniGB-UCS2-H CMap (string bytes are UCS-2 codes), as many generators do.

export interface PageSpec {
  /** Content stream operators. */
  content: string;
  width?: number;
  height?: number;
  rotate?: number;
}

/** A text-showing operator for Chinese (or any BMP) text: UCS-2 hex string for the /F1 font. */
export const cjk = (s: string) =>
  `<${[...s].map((c) => c.codePointAt(0)!.toString(16).padStart(4, "0")).join("")}>`;

/** A line of text at (x, y) in the given size, drawn with the CJK font F1 (or Helvetica F2). */
export function textAt(x: number, y: number, size: number, s: string, font: "F1" | "F2" = "F1"): string {
  const str = font === "F1" ? cjk(s) : `(${s.replace(/[()\\]/g, "\\$&")})`;
  return `BT /${font} ${size} Tf 1 0 0 1 ${x} ${y} Tm ${str} Tj ET\n`;
}

export interface PdfOptions {
  /** Extra trailer entries (an /Encrypt dictionary reference, an /ID). */
  trailer?: string;
  /** Extra objects appended after the page objects, numbered from the returned `nextObject`. */
  extraObjects?: string[];
}

/** Assembles a PDF with a correct cross-reference table. */
export function makePdf(pages: PageSpec[], options: PdfOptions = {}): Buffer {
  const objects: string[] = [];
  // 1 catalog, 2 pages, 3 CJK font, 4 CID font, 5 descriptor, 6 Helvetica, then page + content pairs
  const pageIds = pages.map((_, i) => 7 + i * 2);
  objects.push("<< /Type /Catalog /Pages 2 0 R >>");
  objects.push(
    `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(" ")}] /Count ${pages.length} >>`,
  );
  objects.push(
    "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [4 0 R] >>",
  );
  objects.push(
    "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /FontDescriptor 5 0 R /DW 1000 /W [1 95 500] >>",
  );
  objects.push(
    "<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
  );
  objects.push("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
  pages.forEach((p, i) => {
    const rotate = p.rotate ? ` /Rotate ${p.rotate}` : "";
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${p.width ?? 595} ${p.height ?? 842}]${rotate} /Resources << /Font << /F1 3 0 R /F2 6 0 R >> >> /Contents ${pageIds[i]! + 1} 0 R >>`,
    );
    const body = Buffer.from(p.content, "latin1");
    objects.push(`<< /Length ${body.length} >>\nstream\n${p.content}\nendstream`);
  });
  objects.push(...(options.extraObjects ?? []));
  let out = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n";
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(out, "latin1"));
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, "latin1");
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) out += `${String(off).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R ${options.trailer ?? ""}>>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, "latin1");
}

/** Object number the first of `extraObjects` gets for a PDF of `pageCount` pages. */
export const nextObject = (pageCount: number) => 7 + pageCount * 2;
