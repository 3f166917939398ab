import { describe, expect, it } from "vitest";
import { loadLexicon } from "../../src/lexicon/index.js";
import { looksLikeFollowUp, parseQuery } from "../../src/query/index.js";
import { intentsWith } from "../helpers/lexicon.js";

/** How a question's numbers and follow-ups are read comes from answering.yaml, not from code. */
describe("question words from the lexicon", () => {
  it("a number followed by one of numberUnits is an amount, not a year (a made-up unit counts)", () => {
    const lexicon = loadLexicon("intents");
    expect(parseQuery("2018辆车", lexicon).years).toEqual([]);
    expect(parseQuery("2019人大常委会培训费", lexicon).years).toEqual([2019]);
    expect(parseQuery("2018架无人机", lexicon).years).toEqual([2018]);
    const withUnit = loadLexicon(intentsWith((w) => w.numberUnits.push("架")));
    expect(parseQuery("2018架无人机", withUnit).years).toEqual([]);
  });

  it("a two-digit year after one of yearSpanOpeners is a span, not a year", () => {
    const lexicon = loadLexicon("intents");
    expect(parseQuery("18年培训费", lexicon).years).toEqual([2018]);
    expect(parseQuery("近10年培训费", lexicon).years).toEqual([]);
  });

  it("a question opening or closing with a followUp word is a follow-up (a made-up opener counts)", () => {
    const lexicon = loadLexicon("intents");
    expect(looksLikeFollowUp(parseQuery("那公用经费呢", lexicon), lexicon)).toBe(true);
    expect(looksLikeFollowUp(parseQuery("去年呢", lexicon), lexicon)).toBe(true);
    expect(looksLikeFollowUp(parseQuery("再看培训费", lexicon), lexicon)).toBe(false);
    const withOpener = loadLexicon(intentsWith((w) => w.followUpOpeners.push("再看")));
    expect(looksLikeFollowUp(parseQuery("再看培训费", withOpener), withOpener)).toBe(true);
  });
});
