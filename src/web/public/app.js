/* global document, window, location, fetch, FormData, performance, requestAnimationFrame, URLSearchParams */
// The help desk page. Every piece of document or user text goes into the page with textContent
// (el() below), never as markup; the server's policy forbids inline scripts anyway.

const $ = (id) => document.getElementById(id);

/** An element with properties and children; strings become text nodes. */
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "text") node.textContent = String(v);
    else if (k === "className") node.className = v;
    else if (k === "dataset") Object.assign(node.dataset, v);
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(typeof c === "string" ? document.createTextNode(c) : c);
  }
  return node;
}

/** Calls the API; resolves with the JSON body, or throws an Error with the server's message. */
async function api(path, options = {}) {
  let res;
  try {
    res = await fetch(path, options);
  } catch {
    throw new Error("无法连接服务器：请检查网络后重试。");
  }
  let body = null;
  try {
    body = await res.json();
  } catch {
    /* not JSON */
  }
  if (!res.ok) {
    const err = new Error(body && body.message ? body.message : `请求失败（${res.status}）：请稍后重试。`);
    err.code = body && body.code;
    throw err;
  }
  return body;
}

const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));

// ---------------------------------------------------------------- figures and quotes

/** A printed quote as one line: hard wraps between Chinese characters are joined. */
const joinWraps = (s) =>
  s.replace(/[ \t]*\n[\s]*/g, (m, i) => (/[A-Za-z0-9]$/.test(s.slice(0, i)) ? " " : ""));

const numeric = (v) => Number(String(v).replace(/,/g, ""));

/**
 * Where the figure is printed in the quote: an occurrence of the value that is a whole number
 * (not the "0" of "2022"), preferring one followed by its unit.
 */
function findFigure(quote, value, unit) {
  if (!value) return null;
  let best = null;
  for (let at = quote.indexOf(value); at >= 0; at = quote.indexOf(value, at + 1)) {
    const before = quote[at - 1] ?? "";
    const after = quote.slice(at + value.length);
    if (/[0-9.,]/.test(before)) continue;
    if (/^[0-9]/.test(after) || /^[.,][0-9]/.test(after)) continue;
    const score = unit && after.replace(/^\s+/, "").startsWith(unit) ? 2 : 1;
    if (!best || score > best.score) best = { at, end: at + value.length, score };
  }
  return best;
}

/** A quote with the figure marked. */
function quoteBlock(quote, value, unit, className = "quote") {
  const text = joinWraps(quote);
  const hit = findFigure(text, value, unit);
  const block = el("blockquote", { className });
  if (!hit) block.append(text);
  else
    block.append(
      text.slice(0, hit.at),
      el("mark", { className: "figure-mark", text: text.slice(hit.at, hit.end) }),
      text.slice(hit.end),
    );
  return block;
}

const docLine = (a) => [a.department, a.year ? `${a.year}年` : null, a.docKind].filter(Boolean).join(" · ");

function sourceButton(a) {
  if (!a.span) return null;
  return el("button", {
    type: "button",
    className: "view-source",
    text: "在原文中查看",
    onclick: () => {
      const q = new URLSearchParams({ v: a.value, u: a.unit });
      location.hash = `#/source/${encodeURIComponent(a.doc)}/${a.span[0]}-${a.span[1]}?${q}`;
    },
  });
}

/** One figure: large with its unit, what it is, the document, the quote, where it is printed. */
function figureBlock(a, { compact = false } = {}) {
  const where = [a.page ? `第 ${a.page} 页` : null, a.section].filter(Boolean).join(" · ");
  const computed = a.source === "computed";
  return el(
    "div",
    { className: `answer-item source-${a.source}`, dataset: { doc: a.doc } },
    el(
      "div",
      { className: "figure" },
      el("span", { className: "value", text: a.value }),
      el("span", { className: "unit", text: a.unit }),
    ),
    el("div", { className: "label", text: a.label }),
    el("div", { className: "meta", text: docLine(a) }),
    computed ? null : quoteBlock(a.quote, a.value, a.unit),
    computed && a.formula
      ? el("div", { className: "formula" }, el("b", { text: "计算：" }), a.formula)
      : null,
    computed && a.inputs && a.inputs.length
      ? el(
          "ol",
          { className: "inputs" },
          a.inputs.map((i) =>
            el(
              "li",
              {},
              el("span", { className: "input-figure", text: `${i.label} ${i.value} ${i.unit}` }),
              quoteBlock(i.quote, i.value, i.unit, "quote small"),
            ),
          ),
        )
      : null,
    a.reason ? el("div", { className: "reason" }, el("b", { text: "原因：" }), joinWraps(a.reason)) : null,
    !compact && where ? el("div", { className: "where", text: `出处：${where}` }) : null,
    compact && where ? el("div", { className: "where small", text: where }) : null,
    sourceButton(a),
  );
}

/** Two figures of one thing in one document that disagree: the text's and the table's. */
function conflictOf(answers) {
  if (answers.length !== 2) return null;
  const [a, b] = answers;
  if (a.doc !== b.doc || a.value === b.value) return null;
  const kinds = new Set([a.source, b.source]);
  return kinds.has("text") && kinds.has("table") ? (a.source === "text" ? [a, b] : [b, a]) : null;
}

/** Rankings and lists across units: a bar chart of the figures and the list with quotes. */
function chartOf(answers) {
  const units = new Set(answers.map((a) => a.unit));
  const values = answers.map((a) => numeric(a.value));
  if (units.size !== 1 || values.some((v) => !Number.isFinite(v))) return null;
  const max = Math.max(...values.map(Math.abs), 1e-9);
  return el(
    "div",
    { className: "chart", role: "img", "aria-label": "各单位数字对比" },
    answers.map((a, i) => {
      const bar = el("div", { className: "bar" });
      bar.style.width = `${Math.max(0.5, (Math.abs(values[i]) / max) * 100)}%`;
      return el(
        "div",
        { className: "bar-row" },
        el("span", {
          className: "bar-label",
          text: [a.department, a.year ? `${a.year}年` : null].filter(Boolean).join(" "),
        }),
        el("div", { className: "bar-track" }, bar),
        el("span", { className: "bar-value", text: `${a.value} ${a.unit}` }),
      );
    }),
  );
}

const REASONS = {
  stated_none: "文件写明没有此项",
  table_unreadable: "相关表格是图片，无法读取",
  not_disclosed: "文件未公开此项",
};

function replyText(reply) {
  return el(
    "details",
    { className: "reply" },
    el("summary", { text: "文字版回答" }),
    el("pre", { text: reply }),
  );
}

/** The answer card of one question. */
function answerCard(question, r, ask) {
  const card = el("article", {
    className: `card status-${r.status}`,
    dataset: { status: r.status, via: r.via ?? "" },
  });
  card.append(el("div", { className: "asked" }, el("span", { className: "q-mark", text: "问" }), question));
  if (r.status === "answered") {
    const conflict = conflictOf(r.answers);
    const many = r.answers.length > 1 && new Set(r.answers.map((a) => a.doc)).size > 1;
    if (conflict) {
      card.append(
        el("p", {
          className: "warning",
          text: "注意：同一文件的文字说明和表格印的数字不一致，两处都列出，请核对原文。",
        }),
        el(
          "div",
          { className: "conflict" },
          el("div", { className: "side" }, el("h3", { text: "文字说明" }), figureBlock(conflict[0])),
          el("div", { className: "side" }, el("h3", { text: "表格" }), figureBlock(conflict[1])),
        ),
      );
    } else if (many) {
      const first = r.reply.split("\n")[0];
      card.append(el("p", { className: "summary", text: first }));
      const chart = chartOf(r.answers);
      if (chart) card.append(chart);
      // With a chart the figures are seen at a glance: the quotes are one click away.
      card.append(
        el(
          "details",
          { className: "many-wrap", open: !chart || r.answers.length <= 5 },
          el("summary", { text: `逐项原文（${r.answers.length}）` }),
          el(
            "ol",
            { className: "many" },
            r.answers.map((a) => el("li", {}, figureBlock(a, { compact: true }))),
          ),
        ),
      );
    } else {
      for (const a of r.answers) card.append(figureBlock(a));
    }
  } else if (r.status === "ambiguous") {
    card.append(el("p", { className: "summary", text: r.reply.split("\n")[0] }));
    card.append(
      el(
        "div",
        { className: "choices" },
        (r.choices ?? []).map((c) =>
          el("button", {
            type: "button",
            className: "choice",
            dataset: { doc: c.doc },
            text: c.label,
            onclick: () => ask(question, { docs: [c.doc], picked: c.label }),
          }),
        ),
      ),
    );
  } else {
    card.append(el("p", { className: "summary not-found", text: r.reply.split("\n")[0] }));
    if (r.reason) card.append(el("p", { className: "reason-tag", text: REASONS[r.reason] ?? r.reason }));
    if (r.related && r.related.length)
      card.append(
        el("h3", { text: "相关原文" }),
        el(
          "ul",
          { className: "related" },
          r.related.map((x) =>
            el("li", {}, el("blockquote", { className: "quote small", text: joinWraps(x.quote) })),
          ),
        ),
      );
  }
  card.append(replyText(r.reply));
  return card;
}

// ---------------------------------------------------------------- asking

const state = { context: null, examples: [] };
window.__answerTimes = [];

function topicOf(context) {
  if (!context) return "";
  const metrics = (context.metrics ?? []).map((m) => m.name);
  return [context.year ? `${context.year}年` : null, ...(metrics.length ? metrics : [context.rest])]
    .filter(Boolean)
    .join(" ");
}

function setContext(context) {
  state.context = context ?? null;
  $("followup").hidden = !state.context;
  $("followup-topic").textContent = topicOf(state.context);
}

async function ask(question, { docs, picked } = {}) {
  question = question.trim();
  if (!question) {
    $("ask-status").textContent = "请输入问题。";
    return;
  }
  const started = performance.now();
  $("ask-status").textContent = "正在查找…";
  $("ask-button").disabled = true;
  const body = { question };
  if (docs) body.docs = docs;
  else if (state.context) body.context = state.context;
  try {
    const r = await api("/api/ask", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const card = answerCard(picked ? `${question}（${picked}）` : question, r, ask);
    $("answers").prepend(card);
    $("ask-status").textContent = "";
    if (r.context && r.status !== "not_found") setContext(r.context);
    await nextFrame();
    const ms = performance.now() - started;
    card.dataset.ms = ms.toFixed(1);
    window.__answerTimes.push(ms);
  } catch (err) {
    $("ask-status").textContent = err.message;
  } finally {
    $("ask-button").disabled = false;
  }
}

async function loadExamples() {
  let docs = [];
  try {
    docs = (await api("/api/docs")).documents;
  } catch {
    /* examples are optional */
  }
  const named = docs.filter((d) => d.unit && d.year);
  const name = (d) => (d.aliases[0] && d.aliases[0].length < d.unit.length ? d.aliases[0] : d.unit);
  const ex = [];
  if (named[0]) ex.push(`${name(named[0])}${named[0].year}年三公经费是多少`);
  if (named[1]) ex.push(`${name(named[1])}${named[1].year}年收支总计是多少`);
  if (named[0]) ex.push(`${name(named[0])}${named[0].year}年基本支出加项目支出一共多少`);
  ex.push("哪个单位机关运行经费最多");
  state.examples = ex;
  $("examples").replaceChildren(
    el("span", { className: "examples-title", text: "试试：" }),
    ...ex.map((q) =>
      el("button", {
        type: "button",
        className: "example",
        text: q,
        onclick: () => {
          $("question").value = q;
          setContext(null);
          ask(q);
        },
      }),
    ),
  );
}

// ---------------------------------------------------------------- documents

function docsTable(docs) {
  const head = ["文档", "单位", "年度", "类型", "格式", "页", "表格", "自检未过", "警告", ""];
  return el(
    "div",
    { className: "table-wrap" },
    el(
      "table",
      { className: "docs" },
      el(
        "thead",
        {},
        el(
          "tr",
          {},
          head.map((h) => el("th", { text: h })),
        ),
      ),
      el(
        "tbody",
        {},
        docs.map((d) =>
          el(
            "tr",
            { dataset: { doc: d.doc } },
            el("td", {}, el("a", { href: `#/docs/${encodeURIComponent(d.doc)}`, text: d.doc })),
            el("td", { text: d.unit ?? "—" }),
            el("td", { text: d.year ?? "—" }),
            el("td", { text: d.kind }),
            el("td", { text: d.format }),
            el("td", { text: d.pageCount || "—" }),
            el("td", { text: d.tables }),
            el("td", { className: d.checksFailed ? "bad" : "", text: d.checksFailed }),
            el("td", { text: d.warnings }),
            el("td", {}, el("a", { href: `/api/docs/${encodeURIComponent(d.doc)}/file`, text: "原文件" })),
          ),
        ),
      ),
    ),
  );
}

async function showDocs() {
  const box = $("docs-list");
  box.replaceChildren(el("p", { text: "正在读取…" }));
  try {
    const r = await api("/api/docs");
    box.replaceChildren(
      el("p", { className: "hint", text: `共 ${r.documents.length} 份文档。` }),
      docsTable(r.documents),
      r.failed.length
        ? el(
            "div",
            { className: "failed" },
            el("h3", { text: "无法读取的文件" }),
            el(
              "ul",
              {},
              r.failed.map((f) => el("li", { text: `${f.file}：${f.reason}` })),
            ),
          )
        : null,
    );
  } catch (err) {
    box.replaceChildren(el("p", { className: "error", text: err.message }));
  }
}

function reportBlock(rep) {
  const facts = [
    ["单位", rep.unit ?? "—"],
    ["别名", rep.aliases.join("、") || "—"],
    ["地区", rep.region ?? "—"],
    ["年度", rep.year ?? "—"],
    ["类型", rep.kind],
    ["格式", rep.format],
    ["页数", rep.pageCount || "—"],
    ["章节 / 句子", `${rep.sections} / ${rep.sentences}`],
  ];
  return el(
    "div",
    { className: "report" },
    el("h1", { text: rep.doc }),
    el(
      "dl",
      { className: "facts" },
      facts.map(([k, v]) => [el("dt", { text: k }), el("dd", { text: v })]),
    ),
    rep.file
      ? el(
          "p",
          {},
          el("a", { href: `/api/docs/${encodeURIComponent(rep.doc)}/file`, text: `原文件：${rep.file}` }),
        )
      : null,
    el("h2", { text: `表格（${rep.tables.length}）` }),
    rep.tables.length
      ? el(
          "div",
          { className: "table-wrap" },
          el(
            "table",
            { className: "tables" },
            el(
              "thead",
              {},
              el(
                "tr",
                {},
                ["表", "单位", "页", "行 × 列", "自检（通过 / 共）", "说明"].map((h) =>
                  el("th", { text: h }),
                ),
              ),
            ),
            el(
              "tbody",
              {},
              rep.tables.map((t) =>
                el(
                  "tr",
                  {},
                  el("td", { text: t.title }),
                  el("td", { text: t.unit ?? "—" }),
                  el("td", { text: t.pages.length ? t.pages.join("、") : "—" }),
                  el("td", { text: `${t.rows} × ${t.columns}` }),
                  el("td", {
                    className: t.checks.failed ? "bad" : "",
                    text: `${t.checks.run - t.checks.failed} / ${t.checks.run}`,
                  }),
                  el("td", { text: t.present ? "" : "表格缺失（可能是图片）" }),
                ),
              ),
            ),
          ),
        )
      : el("p", { className: "hint", text: "没有识别出表格。" }),
    el("h2", { text: `警告（${rep.warnings.length}）` }),
    rep.warnings.length
      ? el(
          "ul",
          { className: "warnings" },
          rep.warnings.map((w) => el("li", { text: w })),
        )
      : el("p", { className: "hint", text: "无。" }),
  );
}

async function showDoc(id) {
  const box = $("doc-report");
  box.replaceChildren(el("p", { text: "正在读取…" }));
  try {
    box.replaceChildren(reportBlock(await api(`/api/docs/${encodeURIComponent(id)}`)));
  } catch (err) {
    box.replaceChildren(el("p", { className: "error", text: err.message }));
  }
}

async function upload(event) {
  event.preventDefault();
  const out = $("upload-result");
  const file = $("upload-file").files[0];
  if (!file) return;
  const form = new FormData();
  form.append("file", file, file.name);
  const replace = $("upload-replace").checked ? "?replace=true" : "";
  out.replaceChildren(el("p", { text: "正在上传和读取，请稍候…" }));
  $("upload-button").disabled = true;
  try {
    const r = await api(`/api/docs${replace}`, {
      method: "POST",
      headers: { authorization: `Bearer ${$("admin-token").value}` },
      body: form,
    });
    const rep = r.report;
    const failed = rep.tables.reduce((n, t) => n + t.checks.failed, 0);
    out.replaceChildren(
      el(
        "div",
        { className: "ok upload-ok" },
        el("p", {
          text: `已读入 ${r.file}${r.replaced ? "（已替换旧文档）" : ""}：${[rep.unit, rep.year ? `${rep.year}年` : null, rep.kind].filter(Boolean).join(" ")}`,
        }),
        el("p", {
          text: `表格 ${rep.tables.length} 个，自检未过 ${failed} 项，警告 ${rep.warnings.length} 条；现有文档 ${r.documents} 份。`,
        }),
        el("a", { href: `#/docs/${encodeURIComponent(r.doc)}`, text: "查看读取报告" }),
      ),
    );
    $("upload-form").reset();
    showDocs();
    loadExamples();
  } catch (err) {
    out.replaceChildren(
      el("p", { className: "error upload-error", dataset: { code: err.code ?? "" }, text: err.message }),
    );
  } finally {
    $("upload-button").disabled = false;
  }
}

// ---------------------------------------------------------------- original text

async function showSource(doc, span, value, unit) {
  const head = $("source-head");
  const body = $("source-body");
  head.replaceChildren(el("p", { text: "正在打开原文…" }));
  body.replaceChildren();
  let passage;
  try {
    passage = await api(`/api/docs/${encodeURIComponent(doc)}/passage?start=${span[0]}&end=${span[1]}`);
  } catch (err) {
    head.replaceChildren(el("p", { className: "error", text: err.message }));
    return;
  }
  const title = [doc, passage.page ? `第 ${passage.page} 页` : null].filter(Boolean).join(" · ");
  head.replaceChildren(
    el("h1", { text: title }),
    el("p", {
      className: "hint",
      text:
        passage.format === "pdf" ? "原始 PDF 页面，数字所在的行已标出。" : "原文上下文，引用的句子已标出。",
    }),
    el("a", { href: `/api/docs/${encodeURIComponent(doc)}/file`, text: "下载原文件" }),
  );
  if (passage.format === "pdf" && passage.page) {
    try {
      const { showPdfPage } = await import("/viewer.js");
      const found = await showPdfPage(body, {
        url: `/api/docs/${encodeURIComponent(doc)}/file`,
        page: passage.page,
        lines: passage.lines,
        value,
        unit,
      });
      if (!found)
        body.prepend(el("p", { className: "warning", text: "没能在页面上定位这一行，请对照下方原文。" }));
      if (found) return;
    } catch (err) {
      body.replaceChildren(
        el("p", { className: "error", text: `无法显示 PDF（${err.message}），下面是读出的文字。` }),
      );
    }
  }
  body.append(textPassage(passage, value, unit));
  const mark = body.querySelector("mark.quote-mark");
  if (mark) mark.scrollIntoView({ block: "center" });
}

function textPassage(p, value, unit) {
  const [a, b] = p.mark;
  const quote = p.text.slice(a, b);
  const hit = findFigure(quote, value, unit);
  const mark = el("mark", { className: "quote-mark" });
  if (hit)
    mark.append(
      quote.slice(0, hit.at),
      el("strong", { className: "figure-mark", text: quote.slice(hit.at, hit.end) }),
      quote.slice(hit.end),
    );
  else mark.append(quote);
  return el("div", { className: "passage-text" }, p.text.slice(0, a), a < b ? mark : null, p.text.slice(b));
}

// ---------------------------------------------------------------- routing

function route() {
  const hash = location.hash || "#/";
  const views = { ask: "view-ask", docs: "view-docs", doc: "view-doc", source: "view-source" };
  let view = "ask";
  let m;
  if (hash === "#/docs") {
    view = "docs";
    showDocs();
  } else if ((m = /^#\/docs\/([^/?]+)$/.exec(hash))) {
    view = "doc";
    showDoc(decodeURIComponent(m[1]));
  } else if ((m = /^#\/source\/([^/]+)\/(\d+)-(\d+)(?:\?(.*))?$/.exec(hash))) {
    view = "source";
    const q = new URLSearchParams(m[4] ?? "");
    showSource(decodeURIComponent(m[1]), [Number(m[2]), Number(m[3])], q.get("v") ?? "", q.get("u") ?? "");
  }
  for (const [k, id] of Object.entries(views)) $(id).hidden = k !== view;
  for (const a of document.querySelectorAll("[data-nav]"))
    a.classList.toggle(
      "active",
      a.dataset.nav === (view === "doc" ? "docs" : view === "source" ? "ask" : view),
    );
  if (view === "ask") $("question").focus({ preventScroll: true });
}

function init() {
  $("ask-form").addEventListener("submit", (e) => {
    e.preventDefault();
    ask($("question").value);
  });
  $("new-topic").addEventListener("click", () => {
    setContext(null);
    $("question").focus();
  });
  $("upload-form").addEventListener("submit", upload);
  $("source-back").addEventListener("click", () => {
    if (window.history.length > 1) window.history.back();
    else location.hash = "#/";
  });
  window.addEventListener("hashchange", route);
  route();
  loadExamples();
  document.body.dataset.ready = "1";
}

init();
