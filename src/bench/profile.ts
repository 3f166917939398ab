// `tsx src/bench/profile.ts <file.cpuprofile> [top] [--under functionName]`: where the time of a
// `--cpu-prof` profile goes (the bench writes them with `npm run bench -- --cpu-prof`). Prints self
// time and total (inclusive) time by function; with --under, only samples taken inside that function
// (e.g. `--under answerQuestion` to leave out loading).
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface FunctionTime {
  name: string;
  selfMs: number;
  totalMs: number;
}

const where = (frame: ProfileNode["callFrame"]) => {
  const url = frame.url.replace(/^file:\/\//, "");
  const file = url.includes("/node_modules/")
    ? url.slice(url.lastIndexOf("/node_modules/") + 14)
    : path.relative(process.cwd(), url);
  // tsx-compiled files report line 0 for most frames: only print real line numbers.
  return `${frame.functionName || "(anonymous)"} ${file || "(native)"}${frame.lineNumber > 0 ? `:${frame.lineNumber + 1}` : ""}`;
};

/** Self and inclusive milliseconds per function (recursion counted once per sample), optionally only inside `under`. */
export function functionTimes(profile: CpuProfile, under?: string): FunctionTime[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));

  const times = new Map<string, FunctionTime>();
  const entry = (name: string) => {
    let t = times.get(name);
    if (!t) times.set(name, (t = { name, selfMs: 0, totalMs: 0 }));
    return t;
  };
  for (const [id, ms] of self) {
    const stack: string[] = [];
    const fns: string[] = [];
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const frame = byId.get(cur)!.callFrame;
      stack.push(where(frame));
      fns.push(frame.functionName);
    }
    if (under && !fns.includes(under)) continue;
    entry(stack[0]!).selfMs += ms;
    for (const name of new Set(stack)) entry(name).totalMs += ms;
  }
  return [...times.values()];
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { under: { type: "string" } },
  });
  const [file, topArg] = positionals;
  if (!file) throw new Error("usage: profile.ts <file.cpuprofile> [top] [--under functionName]");
  const top = Number(topArg ?? 25);
  const times = functionTimes(JSON.parse(readFileSync(file, "utf8")) as CpuProfile, values.under);
  const total = times.reduce((s, t) => s + t.selfMs, 0);
  const show = (title: string, rows: FunctionTime[], key: "selfMs" | "totalMs") => {
    process.stdout.write(`\n${title}\n`);
    for (const t of rows.slice(0, top)) {
      process.stdout.write(
        `${t[key].toFixed(0).padStart(8)} ms ${((t[key] / total) * 100).toFixed(1).padStart(5)}%  ${t.name}\n`,
      );
    }
  };
  process.stdout.write(
    `${path.basename(file)}: ${total.toFixed(0)} ms sampled${values.under ? ` inside ${values.under}` : ""}\n`,
  );
  show(
    "self time",
    [...times].sort((a, b) => b.selfMs - a.selfMs),
    "selfMs",
  );
  const ours = times.filter((t) => t.name.includes(" src/") || t.name.includes(" dist/"));
  show(
    "total time, project functions",
    ours.sort((a, b) => b.totalMs - a.totalMs),
    "totalMs",
  );
}

main();
