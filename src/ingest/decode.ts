import chardet from "chardet";
import iconv from "iconv-lite";

export type Decoded = { ok: true; text: string; encoding: string } | { ok: false; reason: string };

/** Largest document we agree to read; anything bigger is almost certainly not a disclosure text. */
export const MAX_DOC_BYTES = 50 * 1024 * 1024;

/**
 * Decodes a document's bytes: UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030/GBK.
 * Empty files, binary data and undecodable bytes are refused with a reason instead of garbage text.
 */
export function decodeDocument(bytes: Uint8Array): Decoded {
  if (bytes.length === 0) return { ok: false, reason: "empty file" };
  if (bytes.length > MAX_DOC_BYTES) return { ok: false, reason: `file too large (${bytes.length} bytes)` };
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf)
    return finish(buf.subarray(3).toString("utf8"), "UTF-8 (BOM)");
  if (buf[0] === 0xff && buf[1] === 0xfe) return finish(iconv.decode(buf.subarray(2), "utf16le"), "UTF-16LE");
  if (buf[0] === 0xfe && buf[1] === 0xff) return finish(iconv.decode(buf.subarray(2), "utf16be"), "UTF-16BE");
  if (looksBinary(buf)) return { ok: false, reason: "binary data, not text" };
  const utf8 = new TextDecoder("utf-8", { fatal: true });
  try {
    return finish(utf8.decode(buf), "UTF-8");
  } catch {
    // Not valid UTF-8: ask chardet, and accept only the Chinese legacy encodings we can verify.
  }
  const guess = (chardet.detect(buf) ?? "").toUpperCase();
  const encoding = ["GB18030", "GBK", "GB2312"].includes(guess) || guess === "" ? "GB18030" : guess;
  if (!iconv.encodingExists(encoding)) return { ok: false, reason: `unsupported encoding ${guess}` };
  const text = iconv.decode(buf, encoding);
  const bad = (text.match(/\uFFFD/g) ?? []).length;
  if (bad > Math.max(3, text.length * 0.01))
    return { ok: false, reason: `undecodable bytes (tried ${encoding})` };
  return finish(text, encoding);
}

function finish(text: string, encoding: string): Decoded {
  if (text.trim().length === 0) return { ok: false, reason: "no text (only whitespace)" };
  // eslint-disable-next-line no-control-regex -- counting control characters is the point
  const controls = (text.match(/[\u0000-\u0008\u000e-\u001f]/g) ?? []).length;
  if (controls > text.length * 0.01) return { ok: false, reason: "binary data, not text" };
  return { ok: true, text, encoding };
}

/** NUL bytes or many control bytes in the first 8 KiB mean binary data (PDF streams, images, archives). */
function looksBinary(buf: Buffer): boolean {
  const head = buf.subarray(0, 8192);
  let controls = 0;
  for (const b of head) {
    if (b === 0) return true;
    if (b < 9 || (b > 13 && b < 32)) controls++;
  }
  return controls > head.length * 0.05;
}
