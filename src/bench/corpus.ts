// Synthetic corpora for the benchmark: variants of the seed disclosures with other places, years
// and figures, keeping the shapes of text and tables (and the PDF-extraction mess) intact.
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";

/** Bump when the generator's output changes, so cached corpora are regenerated. */
const GENERATOR_VERSION = 3;

export interface CorpusDoc {
  /** Document id (file name without extension), as the engine reports it. */
  id: string;
  file: string;
  seed: string;
  /** Full unit name as printed in the variant, when the seed's unit is known. */
  unit: string | null;
  /** Short name used in the text ("某某区科经局"), when the seed has one. */
  shortName: string | null;
  /** The place that replaced the seed's ("桐溪区"). */
  region: string;
  year: number | null;
  kind: string | null;
  /** Factor applied to the decimal figures. */
  scale: number;
  bytes: number;
}

export interface Corpus {
  /** Directory holding only the documents (the manifest lives beside it, not among them). */
  docsDir: string;
  size: number;
  seed: number;
  bytes: number;
  docs: CorpusDoc[];
}

/** mulberry32: tiny, fast, good enough for test data, and identical on every platform. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Place = { county: string; city: string; province: string; deptCode: string };

/**
 * What we know about each seed: how to recognise it and how its unit is named, so the benchmark
 * can ask about a variant by name. Seeds not listed still get places, years and figures varied.
 */
interface SeedProfile {
  anchor: RegExp;
  kind: string;
  year: number;
  unit: (p: Place) => string;
  shortName: ((p: Place) => string) | null;
  region: (p: Place) => string;
}

const PROFILES: SeedProfile[] = [
  {
    anchor: /曾都区科学技术和经济信息化局/,
    kind: "部门决算",
    year: 2022,
    unit: (p) => `${p.county}区科学技术和经济信息化局`,
    shortName: (p) => `${p.county}区科经局`,
    region: (p) => `${p.county}区`,
  },
  {
    anchor: /武冈市科技和工业信息化局/,
    kind: "整体支出绩效自评",
    year: 2022,
    unit: (p) => `${p.county}市科技和工业信息化局`,
    shortName: null,
    region: (p) => `${p.county}市`,
  },
  {
    anchor: /曾都区科经局/,
    kind: "部门预算",
    year: 2023,
    unit: (p) => `${p.county}区科经局`,
    shortName: null,
    region: (p) => `${p.county}区`,
  },
  {
    anchor: /350科技和工信部门/,
    kind: "部门预算",
    year: 2023,
    unit: (p) => `${p.deptCode}科技和工信部门`,
    shortName: (p) => `${p.county}区科工局`,
    region: (p) => `${p.county}区`,
  },
  {
    anchor: /焦作市城乡一体化示范区/,
    kind: "部门决算",
    year: 2022,
    unit: (p) => `${p.city}市城乡一体化示范区工业和信息化局`,
    shortName: null,
    region: (p) => `${p.city}市`,
  },
];

// Place names in the seeds, by role. Each is replaced by the variant's own place of the same role.
const SEED_COUNTIES = ["曾都", "武冈", "山海关"];
const SEED_CITIES = ["随州", "邵阳", "焦作", "秦皇岛"];
const SEED_PROVINCES = ["湖北", "湖南", "河北", "河南"];
const SEED_DEPT_CODES = ["350"];

const PROVINCES = [
  "河北",
  "山西",
  "辽宁",
  "吉林",
  "江苏",
  "浙江",
  "安徽",
  "福建",
  "江西",
  "山东",
  "河南",
  "湖北",
  "湖南",
  "广东",
  "海南",
  "四川",
  "贵州",
  "云南",
  "陕西",
  "甘肃",
  "青海",
];
// Characters that rarely occur in budget prose, so made-up place names do not collide with terms.
const COUNTY_CHARS = [
  ..."桐溪岚沅澧芷汨浏峨邛崃岷泾渭淇濮滦沂沭涟邗婺衢歙黟祁郴耒醴攸洮岱峄郯莒滕蔚崞忻霍隰",
];
const CITY_CHARS = [..."临汾渝阆酉珙筠犍乐眉泸叙嘉瓯榕莆漳汀赣吉抚袁萍鄱宛鹤濂汝颍亳宿滁舒巢"];

/** Unique made-up names of distinct characters: `length` characters while possible, then one more. */
function nameMaker(chars: string[], rand: () => number, length = 2): () => string {
  const used = new Set<string>();
  const pick = () => chars[Math.floor(rand() * chars.length)]!;
  return () => {
    for (let attempt = 0; ; attempt++) {
      const len = attempt < 50 ? length : length + 1;
      let name = "";
      while (name.length < len) {
        const ch = pick();
        if (!name.includes(ch)) name += ch;
      }
      if (!used.has(name)) {
        used.add(name);
        return name;
      }
    }
  };
}

/** PDF extraction breaks lines inside names: match a name with any whitespace between its characters. */
const spaced = (word: string) => [...word].map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("\\s*");

function replacePlaces(text: string, place: Place): string {
  const table = new Map<string, string>();
  for (const c of SEED_COUNTIES) table.set(c, place.county);
  for (const c of SEED_CITIES) table.set(c, place.city);
  for (const p of SEED_PROVINCES) table.set(p, place.province);
  for (const d of SEED_DEPT_CODES) table.set(d, place.deptCode);
  const names = [...table.keys()].sort((a, b) => b.length - a.length);
  // One pass over all names, so a replacement is never itself replaced (湖北→湖南→…).
  const parts = names.map((n) => (/^\d+$/.test(n) ? `(?<!\\d)${n}(?=科技和工信部门)` : spaced(n)));
  const re = new RegExp(parts.join("|"), "g");
  return text.replace(re, (m) => table.get(m.replace(/\s+/g, "")) ?? m);
}

/** Shifts standalone years 2010–2030 ("2022 年", "预算年度：2023"); codes and amounts are other lengths. */
function shiftYears(text: string, delta: number): string {
  return text.replace(/(?<![\d.,])20[1-3]\d(?![\d]|\.\d)/g, (y) => String(Number(y) + delta));
}

/**
 * Scales amounts written with decimals or thousands separators ("998.77", "1,234.5"). Integers are
 * left alone: they are mostly codes, row numbers, counts and years. Percentages are left alone too.
 */
function scaleFigures(text: string, factor: number): string {
  const re = /(?<![\d.,])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+)(?![\d.]|\s*[%％])/g;
  return text.replace(re, (num) => {
    const decimals = num.includes(".") ? num.length - num.indexOf(".") - 1 : 0;
    const scaled = (Number(num.replace(/,/g, "")) * factor).toFixed(decimals);
    if (!num.includes(",")) return scaled;
    const [int, frac] = scaled.split(".");
    const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return frac === undefined ? grouped : `${grouped}.${frac}`;
  });
}

export interface GenerateOptions {
  size: number;
  seedsDir: string;
  outDir: string;
  /** PRNG seed: the same seed and size always give the same corpus. */
  seed?: number;
}

/** Writes `size` variant documents to `outDir/docs` and a `manifest.json`; reuses an identical existing corpus. */
export async function generateCorpus({
  size,
  seedsDir,
  outDir,
  seed = 20261121,
}: GenerateOptions): Promise<Corpus> {
  const manifestPath = path.join(outDir, "manifest.json");
  const docsDir = path.join(outDir, "docs");
  if (existsSync(manifestPath)) {
    const cached = JSON.parse(await readFile(manifestPath, "utf8")) as Corpus & { version?: number };
    if (cached.version === GENERATOR_VERSION && cached.size === size && cached.seed === seed) {
      return { docsDir, size, seed, bytes: cached.bytes, docs: cached.docs };
    }
  }
  const seedFiles = (await readdir(seedsDir)).filter((f) => f.endsWith(".txt")).sort();
  if (seedFiles.length === 0) throw new Error(`no .txt seeds in ${seedsDir}`);
  const seeds = await Promise.all(
    seedFiles.map(async (file) => {
      const text = await readFile(path.join(seedsDir, file), "utf8");
      return { file, text, profile: PROFILES.find((p) => p.anchor.test(text)) ?? null };
    }),
  );

  const rand = seededRandom(seed);
  const countyName = nameMaker(COUNTY_CHARS, rand);
  const cityName = nameMaker(CITY_CHARS, rand);
  const deptCode = nameMaker([..."0123456789"], rand, 3);
  await rm(outDir, { recursive: true, force: true });
  await mkdir(docsDir, { recursive: true });

  const docs: CorpusDoc[] = [];
  let bytes = 0;
  for (let i = 0; i < size; i++) {
    const src = seeds[i % seeds.length]!;
    const place: Place = {
      county: countyName(),
      city: cityName(),
      province: PROVINCES[Math.floor(rand() * PROVINCES.length)]!,
      deptCode: deptCode(),
    };
    const yearDelta = Math.floor(rand() * 6) - 3;
    const scale = Math.round(50 + rand() * 150) / 100;
    const text = scaleFigures(shiftYears(replacePlaces(src.text, place), yearDelta), scale);
    const id = `b${String(i).padStart(5, "0")}_${path.basename(src.file, ".txt").slice(0, 3)}`;
    const file = `${id}.txt`;
    const data = Buffer.from(text, "utf8");
    await writeFile(path.join(docsDir, file), data);
    bytes += data.length;
    const p = src.profile;
    docs.push({
      id,
      file,
      seed: src.file,
      unit: p ? p.unit(place) : null,
      shortName: p?.shortName ? p.shortName(place) : null,
      region: p ? p.region(place) : place.county,
      year: p ? p.year + yearDelta : null,
      kind: p?.kind ?? null,
      scale,
      bytes: data.length,
    });
  }
  const corpus: Corpus = { docsDir, size, seed, bytes, docs };
  await writeFile(manifestPath, JSON.stringify({ version: GENERATOR_VERSION, ...corpus }, null, 1));
  return corpus;
}

// `tsx src/bench/corpus.ts 100 [outDir]` writes a corpus by hand, e.g. to try the CLI on it.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const size = Number(process.argv[2] ?? 10);
  const outDir = process.argv[3] ?? `.bench/corpus-${size}`;
  const corpus = await generateCorpus({ size, seedsDir: "seeds", outDir });
  process.stdout.write(
    `${corpus.docs.length} documents, ${(corpus.bytes / 1e6).toFixed(1)} MB in ${corpus.docsDir}\n`,
  );
}
