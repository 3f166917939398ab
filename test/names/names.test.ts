import { describe, expect, it } from "vitest";
import { loadLexicon } from "../../src/lexicon/index.js";
import { matchUnits, prepareUnits, unitNameForms, type UnitProfile } from "../../src/names/index.js";

const { orgs } = loadLexicon("intents");
const forms = (unit: string, region: string | null = null, aliases: string[] = []) =>
  unitNameForms({ unit, region, kind: "部门预算", aliases }, orgs);

describe("unitNameForms", () => {
  const cases: Array<[string, string[], string[]?]> = [
    ["江苏省人大常委会办公厅", ["省人大办公厅", "省人大常委会办公厅", "省人大办"]],
    ["江苏省人民检察院", ["省检察院", "省检"], ["检察院", "人民检察院"]],
    ["中共江苏省委办公厅", ["省委办公厅", "省委办"], ["委办公厅", "委办"]],
    ["江苏省政协办公厅", ["省政协办公厅", "省政协"]],
    ["中国人民政治协商会议江苏省委员会办公厅", ["省政协办公厅", "省政协", "江苏省政协办公厅"]],
    ["江苏省高级人民法院", ["省高院", "省法院", "江苏高院"], ["高院"]],
    ["上海市普陀区人民政府办公室", ["区府办", "区政府办", "普陀区政府办"], ["府办"]],
    ["上海市普陀区商务委员会", ["区商务委", "商务委", "普陀区商务委员会"]],
    [
      "上海市普陀区人民政府万里街道办事处",
      ["万里街道", "万里街道办事处", "普陀区万里街道"],
      ["区万里街道", "人民政府万里街道"],
    ],
    ["曾都区科学技术和经济信息化局", ["区科经局", "科经局", "曾都区科经局"]],
    ["武冈市科学技术工业和信息化局", ["武冈科工信局", "市科工信局", "科工信局"]],
    ["上海市普陀区司法局", ["区司法局", "司法局", "普陀司法局"]],
    ["上海市普陀区财政局", ["区财政局", "财政局"]],
    ["南京市鼓楼区民政局", ["区民政局", "鼓楼区民政局", "民政局"]],
    ["苏州市相城区人民政府元和街道办事处", ["元和街道", "相城区元和街道"]],
    ["徐州市中级人民法院", ["市中院", "徐州中院", "市法院"]],
    ["泰州市人民检察院", ["市检察院", "市检", "泰州检察院"]],
    ["海门市人民政府办公室", ["市府办", "市政府办"]],
    ["盐城市亭湖区城市管理局", ["区城市管理局", "亭湖区城市管理局"]],
    ["中共南京市委办公厅", ["市委办公厅", "市委办"]],
    ["无锡市住房和城乡建设局", ["市住建局", "住建局"]],
    ["江阴市工业和信息化局", ["市工信局", "工信局"]],
    ["宜兴市发展和改革委员会", ["市发改委", "发改委"]],
    ["常州市新北区卫生健康委员会", ["区卫健委", "卫健委"]],
    ["上海市长宁区江苏路街道办事处", ["江苏路街道"]],
    ["淮安市清江浦区人力资源和社会保障局", ["区人社局", "人社局"]],
    ["扬州市江都区农业农村局", ["区农业农村局", "农业农村局"]],
  ];
  for (const [unit, want, not = []] of cases) {
    it(unit, () => {
      const got = forms(unit);
      for (const w of want) expect(got).toContain(w);
      for (const n of not) expect(got).not.toContain(n);
    });
  }
  it("uses the region when the name has no place, and keeps aliases", () => {
    const got = forms("科学技术和经济信息化局", "曾都区", ["科经局（曾都）"]);
    expect(got).toContain("区科经局");
    expect(got).toContain("曾都区科经局");
    expect(got).toContain("科经局曾都");
  });
  it("gives nothing but aliases without a unit name", () => {
    expect(unitNameForms({ unit: null, region: null, kind: "", aliases: ["区府办"] }, orgs)).toEqual([
      "区府办",
    ]);
  });
});

const units = [
  "江苏省人大常委会办公厅",
  "江苏省人民检察院",
  "中共江苏省委办公厅",
  "江苏省政协办公厅",
  "江苏省高级人民法院",
  "上海市普陀区人民政府办公室",
  "上海市普陀区商务委员会",
  "上海市普陀区人民政府万里街道办事处",
  "曾都区科学技术和经济信息化局",
  "上海市普陀区司法局",
  "上海市普陀区财政局",
  "南京市鼓楼区司法局",
  "武冈市科学技术工业和信息化局",
];
const profiles: UnitProfile[] = units.map((full, i) => ({ id: `d${i}`, full, forms: forms(full) }));
const suffixes = orgs.suffixes;

describe("matchUnits", () => {
  const cases: Array<[string, string, string[]]> = [
    ["省人大办公厅17年的预算为什么比上年多了", "省人大办公厅", ["d0"]],
    ["省人大常委会办公厅2017年基本工资预算多少", "省人大常委会办公厅", ["d0"]],
    ["2017年江苏省检察院财政拨款基本支出预算多少", "江苏省检察院", ["d1"]],
    ["省检2017年财政拨款收入是多少", "省检", ["d1"]],
    ["省委办2018年提租补贴支出多少", "省委办", ["d2"]],
    ["2017年省政协一般公共服务支出多少", "省政协", ["d3"]],
    ["江苏高院2019年项目支出为什么减少", "江苏高院", ["d4"]],
    ["区府办2025年部门预算会议费是多少元", "区府办", ["d5"]],
    ["商务委单位预算2025年办公费多少元", "商务委", ["d6"]],
    ["23年万里街道财政拨款收入", "万里街道", ["d7"]],
    ["曾都区科经局2022年三公经费", "曾都区科经局", ["d8"]],
    ["普陀司法局2026年单位预算里普法宣传", "普陀司法局", ["d9"]],
    ["区财政局2025年机关运行经费", "区财政局", ["d10"]],
    ["武冈科工信局2022年预算执行率", "武冈科工信局", ["d12"]],
    // Subsequence of the full name, ending with an organisation word.
    ["曾都区科技经信局2022年", "曾都区科技经信局", ["d8"]],
    ["江苏省人大办公厅2019年", "江苏省人大办公厅", ["d0"]],
    ["普陀区万里街道办2024年", "普陀区万里街道办", ["d7"]],
  ];
  for (const [q, form, ids] of cases) {
    it(q, () => {
      const got = matchUnits(q, profiles, suffixes);
      expect(got.map((m) => m.form)).toContain(form);
      expect(got.filter((m) => m.form === form).map((m) => m.id)).toEqual(ids);
    });
  }
  it("flags one form that several units generate", () => {
    const got = matchUnits("区司法局2026年三公经费", profiles, suffixes);
    expect(got.map((m) => m.id).sort()).toEqual(["d11", "d9"]);
    expect(got.every((m) => m.collision)).toBe(true);
  });
  it("does not flag one unit over several years", () => {
    const many: UnitProfile[] = [2022, 2023].map((y) => ({
      id: `kj${y}`,
      full: "曾都区科学技术和经济信息化局",
      forms: forms("曾都区科学技术和经济信息化局"),
    }));
    const got = matchUnits("区科经局三公经费", many, suffixes);
    expect(got.map((m) => m.id)).toEqual(["kj2022", "kj2023"]);
    expect(got.some((m) => m.collision)).toBe(false);
  });
  it("finds nothing in a question without a unit", () => {
    expect(matchUnits("2022年三公经费预算是多少", profiles, suffixes)).toEqual([]);
  });
  it("gives offsets into the text", () => {
    const text = "请问（省检）2017年";
    const [m] = matchUnits(text, profiles, suffixes);
    expect(text.slice(m!.start, m!.end)).toBe("省检");
  });
  it("matches a question against 1,000 documents in well under 1 ms", () => {
    const big: UnitProfile[] = [];
    const places = [
      "铜山区",
      "海门市",
      "宜兴市",
      "江宁区",
      "临安区",
      "灌云县",
      "金坛区",
      "溧阳市",
      "昆山市",
      "吴江区",
    ];
    const bodies = [
      "教育局",
      "水利局",
      "审计局",
      "民政局",
      "财政局",
      "人力资源和社会保障局",
      "商务委员会",
      "人民检察院",
      "人民法院",
      "住房和城乡建设局",
    ];
    for (let i = 0; i < 1000; i++) {
      const full = `${places[i % 10]}${bodies[Math.floor(i / 10) % 10]}`;
      big.push({ id: `b${i}`, full, forms: forms(full) });
    }
    const prepared = prepareUnits(big, suffixes);
    const qs = [
      "灌云县人社局2022年三公经费预算多少",
      "宜兴市审计局机关运行经费",
      "海门市住建局项目支出",
      "2022年三公经费最多的单位",
    ];
    for (const q of qs) matchUnits(q, prepared); // warm up
    const n = 200;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) matchUnits(qs[i % qs.length]!, prepared);
    const per = (performance.now() - t0) / n;
    expect(per).toBeLessThan(1);
    expect(matchUnits("灌云县人社局2022年", prepared).length).toBeGreaterThan(0);
  });
});
