import { readFileSync } from "node:fs";
import { load } from "js-yaml";
import { describe, expect, it } from "vitest";
import { LAYOUT_FILE, layout, layoutText } from "../../src/ingest/layout.js";
import { LayoutWordsSchema, OrgRulesSchema } from "../../src/lexicon/schema.js";
import { loadLexicon } from "../../src/lexicon/index.js";

describe("layout words (intents/lexicon/layout.yaml)", () => {
  it("are the product's file, read once, as the index fingerprint reads it", () => {
    expect(LAYOUT_FILE.replaceAll("\\", "/")).toMatch(/intents\/lexicon\/layout\.yaml$/);
    expect(layoutText).toBe(readFileSync("intents/lexicon/layout.yaml", "utf8"));
    expect(layout.noteOpeners).toContain("注");
  });

  it("reject an unknown key and an empty list (zod, strict)", () => {
    const data = (load(layoutText) as { layout: Record<string, unknown> }).layout;
    expect(LayoutWordsSchema.safeParse(data).success).toBe(true);
    expect(LayoutWordsSchema.safeParse({ ...data, headingEnds: ["说明"] }).success).toBe(false);
    expect(LayoutWordsSchema.safeParse({ ...data, noteOpeners: [] }).success).toBe(false);
  });

  it("a unit mention ending must be one of the organisation suffixes (orgs.yaml)", () => {
    const orgs = loadLexicon().orgs;
    expect(OrgRulesSchema.safeParse(orgs).success).toBe(true);
    const bad = OrgRulesSchema.safeParse({ ...orgs, mentionSuffixes: [...orgs.mentionSuffixes, "科"] });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(["mentionSuffixes", orgs.mentionSuffixes.length]);
  });
});
