import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeFileAtomic } from "../../src/store/atomic.js";

describe("writeFileAtomic", () => {
  it("makes a missing folder, replaces an existing file whole and leaves no temporary file", () => {
    const root = mkdtempSync(join(tmpdir(), "budget-qa-atomic-"));
    const path = join(root, "a", "b", "file.json");
    writeFileAtomic(path, "first");
    expect(readFileSync(path, "utf8")).toBe("first");
    writeFileAtomic(path, Buffer.from("second"));
    expect(readFileSync(path, "utf8")).toBe("second");
    expect(readdirSync(join(root, "a", "b"))).toEqual(["file.json"]);
    // The folder removed between writes is made again.
    rmSync(join(root, "a"), { recursive: true });
    writeFileAtomic(path, "third");
    expect(readFileSync(path, "utf8")).toBe("third");
  });

  it("a write that cannot complete leaves the old file and no temporary file", () => {
    const root = mkdtempSync(join(tmpdir(), "budget-qa-atomic-"));
    const path = join(root, "file.json");
    writeFileAtomic(path, "kept");
    // Renaming a file over a folder fails: the old content stays, the temporary file is removed.
    expect(() => writeFileAtomic(root, "x")).toThrow();
    expect(readFileSync(path, "utf8")).toBe("kept");
    expect(readdirSync(root)).toEqual(["file.json"]);
    expect(existsSync(join(root, "file.json"))).toBe(true);
  });
});
