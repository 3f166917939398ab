import { readFileSync } from "node:fs";
import { openEngine } from "./engine/index.js";
const dir = process.argv[2]!;
let t = performance.now();
const { engine } = await openEngine({ docsDir: `${dir}/../corpus-1000/docs`.replace("/../", "/../"), indexDir: dir, intentsDir: "intents" });
console.log("open", performance.now() - t);
const qs = JSON.parse(readFileSync(".bench/questions-1000.json", "utf8")) as { text: string }[];
t = performance.now();
for (const q of qs) engine.ask(q.text);
console.log("warm", performance.now() - t);
const res: [number, string, string][] = [];
for (const q of qs) { const t = performance.now(); const r = engine.ask(q.text); res.push([performance.now() - t, q.text, `${r.via} ${r.status}`]); }
res.sort((a, b) => b[0] - a[0]);
console.log(res.slice(0, 15).map(r => `${r[0].toFixed(1)} ${r[1]} ${r[2]}`).join("\n"));
