// The help desk page in a real Chromium (Debian's chromium driven by playwright-core): asking,
// choices, follow-ups, the original page with the highlight, uploads. Screenshots of each step go
// to test/artifacts/. Skipped, with a line saying so, when no Chromium is installed.
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { ADMIN_TOKEN, TAOYUAN, docsFolder, pdfOfText, startServer, type Running } from "./helpers.js";

const CHROMIUM = [
  process.env.CHROMIUM_PATH,
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
]
  .filter((p): p is string => !!p)
  .find((p) => existsSync(p));
if (!CHROMIUM)
  console.warn(
    "browser tests SKIPPED: no Chromium found (apt-get install chromium, or set CHROMIUM_PATH); .ci/run installs it",
  );

const ARTIFACTS = "test/artifacts";

/**
 * Twenty counties' 科技局 (2021) with 基本支出 and 项目支出: more units print them than a reply
 * lists, so a question naming none is answered with choices.
 */
const COUNTIES = [
  "安平",
  "北川",
  "长宁",
  "大通",
  "东阳",
  "丰宁",
  "高邑",
  "海宁",
  "吉安",
  "江川",
  "开阳",
  "临泽",
  "蒙山",
  "南丰",
  "平和",
  "清河",
  "荣昌",
  "沙河",
  "泰和",
  "通化",
];
const synthetic = Object.fromEntries(
  COUNTIES.map((c, i) => [
    `county-${String(i).padStart(2, "0")}.txt`,
    `${c}县科学技术局2021年度部门决算\n一、收入支出决算总体情况说明\n2021年度本年支出合计${i + 4}.5万元，其中：基本支出 ${i + 2}.5 万元，项目支出 2.0 万元。\n二、机关运行经费支出说明\n2021年度机关运行经费支出 ${i + 1}.25 万元。\n`,
  ]),
);

describe.skipIf(!CHROMIUM)("the help desk page in Chromium", () => {
  let server: Running;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];
  let step = 0;
  /** A screenshot of the newest answer card, or of the whole page. */
  const shot = async (name: string, p: Page = page, what: "card" | "page" = "page") => {
    step++;
    const path = join(ARTIFACTS, `${String(step).padStart(2, "0")}-${name}.png`);
    if (what === "card") await p.locator("article.card").first().screenshot({ path });
    else await p.screenshot({ path, fullPage: true });
  };

  /** Types a question, sends it and waits for its card; returns the card's locator. */
  const ask = async (question: string) => {
    const before = await page.locator("article.card").count();
    await page.fill("#question", question);
    await page.press("#question", "Enter");
    await page.waitForFunction((n) => document.querySelectorAll("article.card[data-ms]").length > n, before);
    return page.locator("article.card").first();
  };

  /** Starts a new topic (no context sent) when a follow-up context is showing. */
  const newTopic = () =>
    page.evaluate(() =>
      document.querySelector<HTMLButtonElement>("#followup:not([hidden]) #new-topic")?.click(),
    );

  beforeAll(async () => {
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    const { docsDir, indexDir } = docsFolder(synthetic, [
      "000_3203cba3208c2c1f.txt",
      "002_519ee846917616f7.txt",
      "004_3ebdb615035bedba.txt",
    ]);
    const { chromium } = await import("playwright-core");
    [server, browser] = await Promise.all([
      startServer(docsDir, indexDir),
      chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-dev-shm-usage"] }),
    ]);
    await server.library.engine.warmUp(); // as `npm run web` does after start
    context = await browser.newContext({ viewport: { width: 1200, height: 900 }, locale: "zh-CN" });
    page = await context.newPage();
    page.on("console", (m) => {
      // The refused upload's 401 is expected; anything else (a CSP violation, a missing file) is not.
      if (m.type() === "error" && !/status of 401/.test(m.text())) problems.push(m.text());
    });
    page.on("pageerror", (e) => problems.push(e.message));
    await page.goto(server.url);
    await page.waitForSelector("body[data-ready] .example");
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("asks a question and shows the figure, its unit and the quote with the figure highlighted", async () => {
    const question = "曾都区科经局2022年收支总计是多少？"; // dev.jsonl d000-01
    const card = await ask(question);
    const expected = server.library.engine.ask(question).answers[0]!; // what `npm run ask` prints
    await expect(card.locator(".figure .value").first().textContent()).resolves.toBe("701.63");
    expect(expected.value).toBe("701.63");
    await expect(card.locator(".figure .unit").first().textContent()).resolves.toBe("万元");
    await expect(card.locator("mark.figure-mark").first().textContent()).resolves.toBe("701.63");
    await expect(card.locator("blockquote.quote").first().textContent()).resolves.toBe(expected.quote);
    await expect(card.locator(".meta").first().textContent()).resolves.toBe(
      "曾都区科学技术和经济信息化局 · 2022年 · 部门决算",
    );
    await shot("answer", page, "card");
  });

  it("answers a follow-up in the same session with the previous answer's context", async () => {
    const first = await ask("曾都区科经局2022年三公经费决算多少");
    await expect(first.locator(".figure .value").first().textContent()).resolves.toBe("0");
    await expect(page.locator("#followup-topic").textContent()).resolves.toContain("三公经费");
    const card = await ask("机关运行经费呢");
    await expect(card.locator(".answer-item").count()).resolves.toBe(1);
    await expect(card.locator(".figure .value").textContent()).resolves.toBe("9.39");
    await expect(card.locator("mark.figure-mark").textContent()).resolves.toBe("9.39");
    await shot("follow-up", page, "card");
    await page.click("#new-topic");
    await expect(page.locator("#followup").isHidden()).resolves.toBe(true);
  });

  it("offers the units of an ambiguous question as buttons and answers for the one picked", async () => {
    const question = "基本支出加项目支出一共多少";
    const card = await ask(question);
    await expect(card.getAttribute("data-status")).resolves.toBe("ambiguous");
    expect(await card.locator("button.choice").count()).toBeGreaterThan(20);
    await shot("ambiguous-choices", page, "card");
    const pick = card.locator("button.choice", { hasText: "焦作" });
    const doc = (await pick.getAttribute("data-doc"))!;
    const expected = server.library.engine.ask(question, { docs: [doc] }).answers[0]!;
    const before = await page.locator("article.card").count();
    await pick.click();
    await page.waitForFunction((n) => document.querySelectorAll("article.card[data-ms]").length > n, before);
    const answer = page.locator("article.card").first();
    await expect(answer.locator(".figure .value").textContent()).resolves.toBe(expected.value);
    await expect(answer.locator(".formula").textContent()).resolves.toContain(expected.formula!);
    await expect(answer.locator(".inputs li").count()).resolves.toBe(2);
    await expect(answer.locator(".meta").textContent()).resolves.toContain("焦作");
    await shot("ambiguous-picked", page, "card");
  });

  it("shows a ranking across units as a bar chart and a list", async () => {
    const card = await ask("哪个单位机关运行经费最多");
    const bars = await card.locator(".chart .bar-row").count();
    expect(bars).toBeGreaterThanOrEqual(20);
    await expect(card.locator("ol.many > li").count()).resolves.toBe(bars);
    await expect(card.locator(".chart .bar-value").first().textContent()).resolves.toBe("32.44 万元");
    await shot("ranking-chart", page, "card");
    await card.locator(".many-wrap > summary").click();
    await expect(card.locator("ol.many > li").first().isVisible()).resolves.toBe(true);
  });

  it("opens a text document's passage in context with the quote highlighted", async () => {
    await newTopic();
    const card = await ask("曾都区科经局2022年收支总计是多少？");
    await card.locator("button.view-source").first().click();
    await page.waitForSelector("#view-source:not([hidden]) mark.quote-mark");
    await expect(page.locator("mark.quote-mark").textContent()).resolves.toBe(
      "2022 年度收、支总计均为 701.63 万元",
    );
    await expect(page.locator("mark.quote-mark strong.figure-mark").textContent()).resolves.toBe("701.63");
    expect((await page.locator(".passage-text").textContent())!.length).toBeGreaterThan(1000);
    await shot("source-text");
    await page.click("#source-back");
    await page.waitForSelector("#view-ask:not([hidden])");
  });

  it("shows user text as text, never as markup", async () => {
    const card = await ask('<img src=x onerror="window.__pwned=1"><b>三公经费</b>');
    await expect(card.locator(".asked").textContent()).resolves.toContain(
      '<img src=x onerror="window.__pwned=1">',
    );
    await expect(page.locator("article.card img, article.card .asked *:not(.q-mark)").count()).resolves.toBe(
      0,
    );
    await expect(
      page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned),
    ).resolves.toBeUndefined();
  });

  it("refuses an upload without the administrator token", async () => {
    const before = readdirSync(server.docsDir);
    await page.goto(`${server.url}/#/docs`);
    await page.waitForSelector("table.docs tbody tr");
    await page.click("#admin summary");
    await page.fill("#admin-token", "not-the-token");
    await page.setInputFiles("#upload-file", {
      name: "taoyuan-2024.pdf",
      mimeType: "application/pdf",
      buffer: pdfOfText(TAOYUAN),
    });
    await page.click("#upload-button");
    const error = page.locator(".upload-error");
    await error.waitFor();
    await expect(error.getAttribute("data-code")).resolves.toBe("unauthorized");
    await expect(error.textContent()).resolves.toContain("管理员口令");
    expect(readdirSync(server.docsDir)).toEqual(before);
    await shot("upload-refused");
  });

  it("uploads a PDF as administrator, shows its report, and answers from it", async () => {
    await page.fill("#admin-token", ADMIN_TOKEN);
    await page.setInputFiles("#upload-file", {
      name: "taoyuan-2024.pdf",
      mimeType: "application/pdf",
      buffer: pdfOfText(TAOYUAN),
    });
    await page.click("#upload-button");
    const ok = page.locator(".upload-ok");
    await ok.waitFor({ timeout: 30_000 });
    await expect(ok.textContent()).resolves.toContain("桃源县农业农村局 2024年 部门预算");
    await page.waitForSelector('table.docs tr[data-doc="taoyuan-2024"]');
    await shot("upload-done");
    await page.click('table.docs tr[data-doc="taoyuan-2024"] a');
    await page.waitForSelector(".report dl.facts");
    await expect(page.locator(".report h1").textContent()).resolves.toBe("taoyuan-2024");
    await shot("upload-report");

    await page.goto(`${server.url}/#/`);
    await page.waitForSelector("body[data-ready]");
    const card = await ask("桃源县农业农村局2024年三公经费预算是多少");
    await expect(card.locator(".figure .value").textContent()).resolves.toBe("150,000.00");
    await expect(card.locator(".figure .unit").textContent()).resolves.toBe("元");
    await expect(card.locator(".where").textContent()).resolves.toContain("第 1 页");
    await shot("upload-answer", page, "card");
  });

  it("opens the original PDF page with the figure's line highlighted", async () => {
    const card = page.locator("article.card").first();
    await card.locator("button.view-source").click();
    const pdfPage = page.locator(".pdf-page[data-highlights]");
    await pdfPage.waitFor({ timeout: 20_000 });
    expect(Number(await pdfPage.getAttribute("data-highlights"))).toBeGreaterThanOrEqual(1);
    const canvas = await page.locator(".pdf-page canvas").boundingBox();
    const box = await page.locator(".pdf-page .hl").first().boundingBox();
    expect(canvas!.width).toBeGreaterThan(300);
    // The highlight is on the page, in its upper part where the sentence is printed.
    expect(box!.x).toBeGreaterThanOrEqual(canvas!.x - 4);
    expect(box!.y).toBeGreaterThan(canvas!.y);
    expect(box!.y + box!.height).toBeLessThan(canvas!.y + canvas!.height / 2);
    await shot("source-pdf");
  });

  it("finds a table row drawn column by column (the label, code and figure on one baseline)", async () => {
    const item = (str: string, x: number, y: number) => ({
      str,
      transform: [9, 0, 0, 9, x, y],
      width: 40,
      height: 9,
    });
    // Columns are drawn one after the other, so the row's text is not contiguous in drawing order.
    const items = [
      item("30101", 50, 700),
      item("30102", 50, 680),
      item("基本工资", 150, 700),
      item("津贴补贴", 150, 680),
      item("1,258.23", 300, 700),
      item("3,468.54", 300, 680),
    ];
    // A string, so the test runner does not rewrite the browser's import().
    const marked = await page.evaluate(`(async () => {
      const { itemsToMark } = await import("/highlight.js");
      const items = ${JSON.stringify(items)};
      return {
        row: itemsToMark(items, ["30101           基本工资                   1,258.23"], "1,258.23").sort(),
        line: itemsToMark(items, ["津贴补贴"], "3,468.54"),
      };
    })()`);
    expect(marked).toEqual({ row: [0, 2, 4], line: [3] });
  });

  it("shows the catalog and a document's report with tables and checks", async () => {
    await page.goto(`${server.url}/#/docs/004_3ebdb615035bedba`);
    await page.waitForSelector(".report table.tables tbody tr");
    await expect(page.locator(".report table.tables tbody tr").count()).resolves.toBe(16);
    await shot("doc-report");
  });

  it("works on a phone-sized screen", async () => {
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    const p = await phone.newPage();
    await p.goto(server.url);
    await p.waitForSelector("body[data-ready] .example");
    await p.fill("#question", "曾都区科经局2022年基本支出加项目支出一共多少");
    await p.press("#question", "Enter");
    await p.waitForSelector("article.card[data-ms] .formula");
    await expect(p.locator(".figure .value").textContent()).resolves.toBe("701.63");
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await shot("phone", p);
    await phone.close();
  });

  it("measures request-to-rendered-answer time (reported, not asserted)", async () => {
    await page.goto(`${server.url}/#/`);
    await page.waitForSelector("body[data-ready]");
    const questions = [
      "曾都区科经局2022年收支总计是多少？",
      "曾都区科学技术和经济信息化局2022年度收入合计多少",
      "曾都区科经局2022年财政拨款收入",
      "曾都区科经局2022年项目支出是多少",
      "曾都区科经局2022年三公经费决算多少",
      "焦作示范区工信局2022年收支总计比上年减少多少",
      "焦作示范区工信局三公经费决算比预算少多少",
      "曾都区科经局2023年机关运行经费增长率",
      "哪个单位机关运行经费最多",
      "桃源县农业农村局2024年机关运行经费",
    ];
    await page.evaluate(() => ((window as unknown as { __answerTimes: number[] }).__answerTimes = []));
    const outside: number[] = [];
    for (let round = 0; round < 3; round++)
      for (const q of questions) {
        await newTopic();
        const t0 = performance.now();
        await ask(q);
        outside.push(performance.now() - t0);
      }
    const inside = await page.evaluate(
      () => (window as unknown as { __answerTimes: number[] }).__answerTimes,
    );
    const pct = (xs: number[], p: number) =>
      [...xs].sort((a, b) => a - b)[Math.ceil((p / 100) * xs.length) - 1]!;
    console.log(
      `help desk: request to rendered answer over ${inside.length} questions (${server.library.documents().documents.length} documents): ` +
        `p50 ${pct(inside, 50).toFixed(1)} ms, p95 ${pct(inside, 95).toFixed(1)} ms in the page; ` +
        `p95 ${pct(outside, 95).toFixed(1)} ms as the test driver sees it`,
    );
    expect(inside.length).toBe(questions.length * 3);
  });

  it("ran without script errors or content-security-policy violations", () => {
    expect(problems).toEqual([]);
  });
});
