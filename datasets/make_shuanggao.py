"""Generate the SYNTHETIC ``shuanggao`` tables (Double High-Level Plan panel).

Every number and every institution name written by this script is invented.
The tables mirror the *structure* of China's "Double High-Level Plan"
(中国特色高水平高职学校和专业建设计划, first round 2019-2023): 197 units, of
which 56 are high-level school units (tiers A/B/C with 10/20/26 units) and 141
are high-level specialty-cluster units (26/59/56), spread over 29 provinces;
the baseline is 2019, the mid-term evaluation uses 2021 data and the final
evaluation 2023 data. Central funding per unit and year is fixed by unit type and
tier (ten-thousand yuan): school A 5000, B 2500, C 1000; cluster A 1000,
B 700, C 400. Everything else (other funding sources, indicators,
targets, specialties, industry employment, shared resources) is simulated.

Run from anywhere::

    python datasets/make_shuanggao.py            # rewrite the files next to this script
    python datasets/make_shuanggao.py --out DIR  # write them into DIR instead

It writes ``shuanggao.csv``, ``shuanggao_targets.csv``,
``shuanggao_indicators.csv``, ``shuanggao_specialties.csv.gz``,
``shuanggao_industry.csv`` and ``shuanggao_resources.csv.gz``. The output is
byte-identical from run to run for a given numpy version (one seeded
generator per table, fixed rounding, gzip written with mtime 0).

Only numpy and pandas are used.
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20_191_218
YEARS = np.arange(2019, 2024)
HERE = Path(__file__).resolve().parent

# (unit_type, tier) -> (number of units, central funding per year in 10k yuan)
DESIGN = {
    ("school", "A"): (10, 5000.0),
    ("school", "B"): (20, 2500.0),
    ("school", "C"): (26, 1000.0),
    ("cluster", "A"): (26, 1000.0),
    ("cluster", "B"): (59, 700.0),
    ("cluster", "C"): (56, 400.0),
}
TIER_STRENGTH = {"A": 0.35, "B": 0.0, "C": -0.30}

# Industry categories: (Chinese name, share of employment nationally,
# popularity among vocational clusters, yearly employment growth).
CATEGORIES = [
    ("装备制造", 0.14, 0.16, 0.010),
    ("电子与信息", 0.07, 0.16, 0.045),
    ("交通运输", 0.08, 0.08, 0.020),
    ("土木建筑", 0.12, 0.08, -0.010),
    ("财经商贸", 0.16, 0.10, 0.012),
    ("医药卫生", 0.06, 0.08, 0.030),
    ("农林牧渔", 0.14, 0.05, -0.030),
    ("能源动力与材料", 0.05, 0.05, -0.005),
    ("生物与化工", 0.04, 0.05, 0.000),
    ("轻工纺织", 0.04, 0.03, -0.020),
    ("食品药品与粮食", 0.03, 0.04, 0.010),
    ("旅游", 0.03, 0.04, 0.020),
    ("文化艺术", 0.02, 0.04, 0.015),
    ("教育与体育", 0.02, 0.04, 0.010),
]
CATEGORY_NAMES = [c[0] for c in CATEGORIES]

SPECIALTIES = {
    "装备制造": ["机电一体化技术", "工业机器人技术", "数控技术", "模具设计与制造", "智能制造装备技术",
             "电气自动化技术", "工业互联网应用", "机械制造及自动化", "新能源汽车技术", "无人机应用技术",
             "焊接技术与自动化", "飞行器数字化制造技术"],
    "电子与信息": ["软件技术", "计算机网络技术", "大数据技术", "人工智能技术应用", "云计算技术应用",
              "物联网应用技术", "信息安全技术应用", "集成电路技术", "电子信息工程技术", "移动应用开发",
              "虚拟现实技术应用", "数字媒体技术"],
    "交通运输": ["城市轨道交通运营管理", "铁道机车运用与维护", "汽车检测与维修技术", "道路与桥梁工程技术",
             "港口与航运管理", "航海技术", "民航运输服务", "飞机机电设备维修", "高速铁路客运服务",
             "轮机工程技术"],
    "土木建筑": ["建筑工程技术", "工程造价", "建筑设计", "建设工程管理", "建筑装饰工程技术", "智能建造技术",
             "建筑智能化工程技术", "市政工程技术", "给排水工程技术", "园林工程技术"],
    "财经商贸": ["大数据与会计", "金融服务与管理", "电子商务", "跨境电子商务", "现代物流管理", "市场营销",
             "连锁经营与管理", "国际经济与贸易", "财税大数据应用", "供应链运营"],
    "医药卫生": ["护理", "助产", "药学", "医学检验技术", "医学影像技术", "康复治疗技术", "口腔医学技术",
             "中医养生保健", "智慧健康养老服务与管理", "预防医学"],
    "农林牧渔": ["现代农业技术", "园艺技术", "畜牧兽医", "动物医学", "林业技术", "水产养殖技术",
             "茶叶生产与加工技术", "作物生产与经营管理", "智慧农业技术", "农产品加工与质量检测"],
    "能源动力与材料": ["发电厂及电力系统", "光伏工程技术", "风力发电工程技术", "新能源装备技术", "材料工程技术",
                "黑色冶金技术", "建筑材料工程技术", "电力系统自动化技术", "储能材料技术"],
    "生物与化工": ["应用化工技术", "石油化工技术", "精细化工技术", "化工生物技术", "药品生物技术",
              "化工装备技术", "工业分析技术", "生物产品检验检疫"],
    "轻工纺织": ["现代纺织技术", "服装设计与工艺", "家具设计与制造", "包装工程技术", "印刷媒体技术",
             "纺织品检验与贸易", "皮革加工技术", "鞋类设计与工艺"],
    "食品药品与粮食": ["食品检验检测技术", "食品智能加工技术", "药品生产技术", "药品质量与安全", "粮食工程技术与管理",
                "酿酒技术", "食品营养与健康", "中药制药"],
    "旅游": ["旅游管理", "酒店管理与数字化运营", "烹饪工艺与营养", "导游", "会展策划与管理", "智慧景区开发与管理",
           "西式烹饪工艺", "民宿管理与运营"],
    "文化艺术": ["艺术设计", "视觉传达设计", "数字媒体艺术设计", "环境艺术设计", "室内艺术设计", "动漫设计",
             "音乐表演", "舞蹈表演", "工艺美术品设计", "广告艺术设计"],
    "教育与体育": ["学前教育", "早期教育", "小学教育", "英语教育", "社会体育", "体育运营与管理",
              "婴幼儿托育服务与管理", "心理健康教育"],
}

COLLEGE_SUFFIX = {
    "装备制造": ["机电职业技术学院", "工业职业技术学院"],
    "电子与信息": ["信息职业技术学院", "电子信息职业技术学院"],
    "交通运输": ["交通职业技术学院", "铁路职业技术学院"],
    "土木建筑": ["建筑职业技术学院", "城市建设职业学院"],
    "财经商贸": ["商贸职业学院", "经贸职业技术学院"],
    "医药卫生": ["卫生职业技术学院", "医药职业学院"],
    "农林牧渔": ["农业职业技术学院", "农林职业技术学院"],
    "能源动力与材料": ["电力职业技术学院", "能源职业学院"],
    "生物与化工": ["化工职业技术学院", "石化职业技术学院"],
    "轻工纺织": ["轻工职业技术学院", "纺织服装职业技术学院"],
    "食品药品与粮食": ["食品药品职业学院", "粮食职业学院"],
    "旅游": ["旅游职业学院", "商务旅游职业学院"],
    "文化艺术": ["艺术职业学院", "文化艺术职业学院"],
    "教育与体育": ["幼儿师范职业学院", "体育职业学院"],
}
GENERIC_SUFFIX = ["职业技术学院", "职业学院"]

# Invented two-character place names: characters rarely (if ever) used in
# real Chinese place names, so that no name can be mistaken for a real college.
NAME_FIRST = list("霁翎琥珀璟珞瑶汐黛杳芷筠砚漪曦沁岫棠蔚溯铎璇琰翊珂瑾")
NAME_SECOND = list("川屿渚岚汀澜湄麓浔原")

# (province, population in 10k, relative income, number of units, specialised categories)
PROVINCES = [
    ("北京", 2189, 1.9, 8, ["电子与信息", "文化艺术", "财经商贸"]),
    ("天津", 1387, 1.3, 9, ["装备制造", "交通运输"]),
    ("河北", 7461, 0.75, 7, ["能源动力与材料", "装备制造"]),
    ("山西", 3492, 0.75, 4, ["能源动力与材料"]),
    ("内蒙古", 2405, 0.95, 3, ["能源动力与材料", "农林牧渔"]),
    ("辽宁", 4259, 0.85, 6, ["装备制造", "生物与化工"]),
    ("吉林", 2407, 0.75, 3, ["装备制造", "农林牧渔"]),
    ("黑龙江", 3185, 0.65, 4, ["农林牧渔", "能源动力与材料"]),
    ("上海", 2487, 1.9, 5, ["财经商贸", "电子与信息", "交通运输"]),
    ("江苏", 8475, 1.45, 20, ["装备制造", "电子与信息", "生物与化工"]),
    ("浙江", 6457, 1.3, 15, ["轻工纺织", "财经商贸", "装备制造"]),
    ("安徽", 6103, 0.85, 6, ["装备制造", "电子与信息"]),
    ("福建", 4154, 1.3, 6, ["轻工纺织", "电子与信息"]),
    ("江西", 4519, 0.8, 4, ["能源动力与材料", "电子与信息"]),
    ("山东", 10153, 0.95, 15, ["生物与化工", "农林牧渔", "装备制造"]),
    ("河南", 9937, 0.7, 8, ["食品药品与粮食", "农林牧渔"]),
    ("湖北", 5775, 0.95, 6, ["装备制造", "交通运输"]),
    ("湖南", 6644, 0.8, 9, ["装备制造", "文化艺术"]),
    ("广东", 12601, 1.2, 14, ["电子与信息", "轻工纺织", "装备制造"]),
    ("广西", 5013, 0.6, 4, ["农林牧渔", "旅游"]),
    ("海南", 1008, 0.8, 2, ["旅游", "农林牧渔"]),
    ("重庆", 3205, 1.0, 10, ["装备制造", "电子与信息"]),
    ("四川", 8367, 0.78, 8, ["电子与信息", "食品药品与粮食"]),
    ("贵州", 3856, 0.64, 3, ["旅游", "电子与信息"]),
    ("云南", 4721, 0.67, 3, ["旅游", "农林牧渔"]),
    ("陕西", 3953, 0.9, 8, ["能源动力与材料", "装备制造"]),
    ("甘肃", 2502, 0.5, 2, ["能源动力与材料", "农林牧渔"]),
    ("宁夏", 720, 0.75, 2, ["能源动力与材料", "生物与化工"]),
    ("新疆", 2585, 0.72, 3, ["能源动力与材料", "农林牧渔"]),
]

TARGET_INDICATORS = [
    "tech_service_income", "tech_transaction_income", "training_income", "training_person_days",
    "patents_transferred", "coop_training_bases", "skill_prizes", "teaching_awards",
    "double_qualified_ratio", "placement_rate", "student_teacher_ratio",
]

# indicator, label, label_en, unit, direction, pillar, role, kind, weight
INDICATORS = [
    ("enrolment", "在校生数", "Full-time enrolment", "students", "higher", "scale", "context", "level", 0.0),
    ("fulltime_teachers", "专任教师数", "Full-time teachers", "teachers", "higher", "faculty", "input", "level", 0.0),
    ("student_teacher_ratio", "生师比", "Student-teacher ratio", "students per teacher", "lower", "faculty",
     "context", "level", 0.08),
    ("double_qualified_ratio", "双师型教师比例", "Share of double-qualified teachers", "percent", "higher",
     "faculty", "output", "level", 0.10),
    ("placement_rate", "毕业生就业去向落实率", "Graduate placement rate", "percent", "higher",
     "talent_training", "output", "level", 0.10),
    ("tech_service_income", "技术服务到款额", "Technical-service income", "10k yuan", "higher",
     "social_service", "output", "flow", 0.14),
    ("tech_transaction_income", "技术交易到款额", "Technology-transaction income", "10k yuan", "higher",
     "social_service", "output", "flow", 0.08),
    ("training_income", "非学历培训到款额", "Non-degree training income", "10k yuan", "higher",
     "social_service", "output", "flow", 0.08),
    ("training_person_days", "非学历培训人日数", "Non-degree training person-days", "person-days", "higher",
     "social_service", "output", "flow", 0.06),
    ("patents_transferred", "专利成果转化数", "Patents transferred", "patents", "higher",
     "social_service", "output", "flow", 0.06),
    ("coop_training_bases", "校企共建实训基地数（累计）", "Enterprise co-built training bases (cumulative)",
     "bases", "higher", "industry_cooperation", "output", "cumulative", 0.10),
    ("skill_prizes", "国家级技能大赛获奖数（累计）", "National skill-competition prizes (cumulative)", "prizes",
     "higher", "talent_training", "output", "cumulative", 0.10),
    ("teaching_awards", "国家级教学成果奖（累计）", "National teaching-achievement awards (cumulative)", "awards",
     "higher", "talent_training", "output", "cumulative", 0.10),
    ("provincial_awards", "省级奖项数（2022年起停报）", "Provincial awards (not reported from 2022)", "awards",
     "higher", "talent_training", "output", "flow", 0.0),
    ("central_funding", "中央财政资金", "Central government funding", "10k yuan", "higher", "funding", "input",
     "flow", 0.0),
    ("local_funding", "地方财政资金", "Local government funding", "10k yuan", "higher", "funding", "input",
     "flow", 0.0),
    ("sponsor_funding", "举办方资金", "Sponsor funding", "10k yuan", "higher", "funding", "input", "flow", 0.0),
    ("industry_funding", "行业企业资金", "Industry and enterprise funding", "10k yuan", "higher", "funding",
     "input", "flow", 0.0),
    ("own_funding", "学校自筹资金", "Institution's own funds", "10k yuan", "higher", "funding", "input",
     "flow", 0.0),
    ("total_funding", "建设资金合计", "Total funding", "10k yuan", "higher", "funding", "cost", "flow", 0.0),
]


# ----------------------------------------------------------------- helpers
def _lognormal(rng: np.random.Generator, sigma: float, size=None) -> np.ndarray:
    return np.exp(rng.normal(0.0, sigma, size))


def _calibrate(values: np.ndarray, mask: np.ndarray, target: float, stat=np.median) -> np.ndarray:
    """Rescale so that ``stat(values[mask])`` equals ``target`` (the published magnitude)."""
    return values * (target / stat(values[mask]))


def _write(frame: pd.DataFrame, name: str, folder: Path = HERE) -> None:
    text = frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
    path = folder / name
    if name.endswith(".gz"):
        # mtime=0 and no file name in the header keep the archive byte-identical.
        text = gzip.compress(text, compresslevel=9, mtime=0)
    path.write_bytes(text)


# ----------------------------------------------------------------- units
def build_units(rng: np.random.Generator) -> pd.DataFrame:
    """One row per unit: type, tier, province and the hidden traits driving the data."""
    types, tiers, central = [], [], []
    for (unit_type, tier), (n, money) in DESIGN.items():
        types += [unit_type] * n
        tiers += [tier] * n
        central += [money] * n
    n = len(types)
    tiers_a = np.array(tiers)
    strength = np.select([tiers_a == "A", tiers_a == "B"], [2.0, 1.0], 0.0)

    # Stronger units tend to sit in richer provinces, with plenty of exceptions.
    slots = np.repeat(np.arange(len(PROVINCES)), [p[3] for p in PROVINCES])
    income = np.array([p[2] for p in PROVINCES])
    slot_key = income[slots] + rng.normal(0, 0.35, n)
    unit_key = strength + rng.normal(0, 1.2, n)
    province_idx = np.empty(n, dtype=int)
    province_idx[np.argsort(unit_key, kind="stable")] = slots[np.argsort(slot_key, kind="stable")]

    return pd.DataFrame({
        "unit_no": np.arange(1, n + 1),
        "unit_type": types,
        "tier": tiers,
        "province_idx": province_idx,
        "province": [PROVINCES[i][0] for i in province_idx],
        "income": income[province_idx],
        "central": central,
        # latent traits: quality (tier effect + overlap), efficiency (output per money)
        "quality": np.array([TIER_STRENGTH[t] for t in tiers]) + rng.normal(0, 0.30, n),
        "efficiency": rng.normal(0, 0.25, n),
        "service_growth": np.clip(rng.normal(0.27, 0.07, n), 0.08, 0.55),
        "ambition": _lognormal(rng, 0.20, n) * np.where(rng.random(n) < 0.11, rng.uniform(1.8, 3.2, n), 1.0),
    })


# ----------------------------------------------------------------- industry
def build_industry(rng: np.random.Generator) -> pd.DataFrame:
    """Employment (10k persons) by province, industry category and year."""
    base_share = np.array([c[1] for c in CATEGORIES])
    growth = np.array([c[3] for c in CATEGORIES])
    k = len(CATEGORIES)
    rows = []
    for province, pop, _income, _n, special in PROVINCES:
        boost = np.array([2.2 if c in special else 1.0 for c in CATEGORY_NAMES])
        share = base_share * boost * _lognormal(rng, 0.25, k)
        share /= share.sum()
        own_growth = growth + rng.normal(0, 0.012, k)
        level = pop * 0.33 * share
        for t, year in enumerate(YEARS):
            factor = (1 + own_growth) ** t
            shock = np.ones(k)
            # tourism collapses with the pandemic; construction slides after 2021
            shock[CATEGORY_NAMES.index("旅游")] = [1.0, 0.78, 0.88, 0.80, 1.02][t]
            shock[CATEGORY_NAMES.index("土木建筑")] = [1.0, 1.0, 1.0, 0.95, 0.90][t]
            values = level * factor * shock * _lognormal(rng, 0.01, k)
            rows.append(pd.DataFrame({"province": province, "category": CATEGORY_NAMES,
                                      "year": year, "employment": np.round(values, 2)}))
    return pd.concat(rows, ignore_index=True)


def _province_shares(industry: pd.DataFrame, year: int) -> pd.DataFrame:
    wide = industry[industry["year"] == year].pivot(index="province", columns="category", values="employment")
    wide = wide[CATEGORY_NAMES]
    return wide.div(wide.sum(axis=1), axis=0)


# ----------------------------------------------------------------- clusters and names
def _pick_category(rng, province_share: np.ndarray, exclude: str | None = None) -> str:
    popularity = np.array([c[2] for c in CATEGORIES])
    weights = province_share**1.5 if rng.random() < 0.65 else popularity
    weights = weights * np.array([c != exclude for c in CATEGORY_NAMES])
    return str(rng.choice(CATEGORY_NAMES, p=weights / weights.sum()))


def build_clusters(rng: np.random.Generator, units: pd.DataFrame, industry: pd.DataFrame) -> tuple[
        pd.DataFrame, pd.DataFrame]:
    """Clusters with member specialties (one row per specialty) and unit names."""
    shares = _province_shares(industry, 2019)
    growth_share = _province_shares(industry, 2023) / shares  # which industries gain ground
    popularity = np.array([c[2] for c in CATEGORIES])
    places = [a + b for a in NAME_FIRST for b in NAME_SECOND]
    place_idx = rng.choice(len(places), size=len(units), replace=False)

    names, colleges, specialty_rows = [], [], []
    for i, unit in enumerate(units.itertuples(index=False)):
        pshare = shares.loc[unit.province].to_numpy()
        n_clusters = 2 if unit.unit_type == "school" else 1
        leads: list[str] = []
        for _ in range(n_clusters):
            leads.append(_pick_category(rng, pshare, exclude=leads[0] if leads and rng.random() < 0.8 else None))
        suffix_pool = COLLEGE_SUFFIX[leads[0]] if rng.random() < 0.5 else GENERIC_SUFFIX
        college = places[place_idx[i]] + str(rng.choice(suffix_pool))
        cores: list[str] = []
        for lead in leads:
            options = [s for s in SPECIALTIES[lead] if s not in cores]
            core = str(rng.choice(options))
            cores.append(core)
            cluster = core + "专业群"
            specialty_rows += _members(rng, unit.unit_no, cluster, lead, core, popularity,
                                       growth_share.loc[unit.province])
        colleges.append(college)
        names.append(college if unit.unit_type == "school" else f"{college}·{cores[0]}专业群")
    members = pd.DataFrame(specialty_rows)
    return pd.DataFrame({"unit_no": units["unit_no"], "institution": names, "college": colleges}), members


def _members(rng, unit_no, cluster, lead, core, popularity, growth_share) -> list[dict]:
    """Member specialties of one cluster with their enrolment paths."""
    n = int(rng.choice([3, 4, 5, 6, 7, 8], p=[0.08, 0.20, 0.27, 0.23, 0.14, 0.08]))
    coherence = rng.uniform(0.35, 0.9)
    chosen = [(core, lead)]
    while len(chosen) < n:
        if rng.random() < coherence:
            cat = lead
        else:
            cat = str(rng.choice(CATEGORY_NAMES, p=popularity / popularity.sum()))
        options = [s for s in SPECIALTIES[cat] if s not in [c[0] for c in chosen]]
        if options:
            chosen.append((str(rng.choice(options)), cat))
    rows = []
    for j, (name, cat) in enumerate(chosen):
        size = 550 * _lognormal(rng, 0.45) * (1.4 if j == 0 else 1.0)
        # enrolment drifts towards industries that gain ground in the province
        trend = rng.normal(0.0, 0.04) + 0.25 * (growth_share[cat] - 1.0)
        rows.append({"unit_no": unit_no, "cluster": cluster, "specialty": name, "category": cat,
                     "size": size, "trend": trend, "opened": 2019, "closed": 9999})
    # Restructuring: some clusters open a specialty in a growing industry,
    # some phase out a weak member.
    if n < 8 and rng.random() < 0.38:
        grow = growth_share.to_numpy() * popularity
        cat = str(rng.choice(CATEGORY_NAMES, p=grow / grow.sum()))
        options = [s for s in SPECIALTIES[cat] if s not in [c[0] for c in chosen]]
        if options:
            rows.append({"unit_no": unit_no, "cluster": cluster, "specialty": str(rng.choice(options)),
                         "category": cat, "size": rng.uniform(110, 220), "trend": 0.45,
                         "opened": int(rng.choice([2021, 2022])), "closed": 9999})
    if n >= 5 and rng.random() < 0.25:
        rows[int(rng.integers(1, n))].update(trend=-0.45, closed=2022)
    return rows


def build_specialties(rng: np.random.Generator, members: pd.DataFrame, names: pd.DataFrame) -> pd.DataFrame:
    """Yearly enrolment of every member specialty while it is open."""
    expansion = np.array([1.0, 1.12, 1.21, 1.25, 1.28])  # the 2019-2021 enrolment expansion
    frames = []
    for t, year in enumerate(YEARS):
        open_ = members[(members["opened"] <= year) & (members["closed"] >= year)]
        age = year - np.maximum(open_["opened"].to_numpy(), 2019)
        values = (open_["size"].to_numpy() * expansion[t] * np.exp(open_["trend"].to_numpy() * age)
                  * _lognormal(rng, 0.04, len(open_)))
        frames.append(open_.assign(year=year, enrolment=np.maximum(np.round(values), 20).astype(int)))
    out = pd.concat(frames, ignore_index=True).merge(names[["unit_no", "institution"]], on="unit_no")
    out = out.sort_values(["unit_no", "cluster", "year"], kind="stable")
    return out[["unit_no", "institution", "cluster", "specialty", "category", "year", "enrolment"]]


# ----------------------------------------------------------------- panel
class _Units:
    """Per-unit arrays shaped (units, 1) that broadcast against (units, years)."""

    def __init__(self, units: pd.DataFrame):
        self.n, self.T = len(units), len(YEARS)
        self.t = np.arange(self.T)[None, :]
        self.school = (units["unit_type"] == "school").to_numpy()[:, None]
        self.q = units["quality"].to_numpy()[:, None]
        self.eff = units["efficiency"].to_numpy()[:, None]
        self.central = units["central"].to_numpy()[:, None]
        self.income = units["income"].to_numpy()[:, None]
        self.growth = units["service_growth"].to_numpy()[:, None]
        self.unit_no = units["unit_no"]


def _staffing(rng, u: _Units, specialties: pd.DataFrame) -> dict[str, np.ndarray]:
    """Enrolment (a cluster unit is the sum of its specialties) and full-time teachers."""
    n, T, t = u.n, u.T, u.t
    cluster_sum = (specialties.groupby(["unit_no", "year"])["enrolment"].sum()
                   .unstack("year").reindex(u.unit_no).to_numpy(float))
    share = rng.uniform(0.28, 0.45, (n, 1)) * _lognormal(rng, 0.02, (n, T))
    enrolment = np.round(np.where(u.school, cluster_sum / share, cluster_sum))
    ratio0 = np.clip(rng.normal(16.5, 1.5, (n, 1)), 12.5, 21.0)
    # hiring follows enrolment with a lag, faster in some units than in others
    catch_up = np.clip(rng.normal(0.6, 0.2, (n, 1)), 0.2, 1.0)
    extra = rng.normal(0.015, 0.015, (n, T))
    growth_t = np.diff(np.log(enrolment), axis=1, prepend=np.log(enrolment[:, :1]))
    teachers = np.round(enrolment[:, :1] / ratio0 * np.exp(np.cumsum(catch_up * growth_t + extra * (t > 0), axis=1)))
    return {"enrolment": enrolment, "fulltime_teachers": teachers,
            "student_teacher_ratio": np.round(enrolment / teachers, 2)}


def _funding(rng, u: _Units, enrolment: np.ndarray) -> dict[str, np.ndarray]:
    """Funding by source (10k yuan per year); the institution's own funds are usually the largest."""
    n, T, t = u.n, u.T, u.t
    central = np.repeat(u.central, T, axis=1)
    local = (central * u.income**0.8 * _lognormal(rng, 0.30, (n, 1)) * (1 + 0.04 * t)
             * _lognormal(rng, 0.08, (n, T)))
    sponsor = central * 0.6 * _lognormal(rng, 0.5, (n, 1)) * _lognormal(rng, 0.12, (n, T))
    industry = (central * 0.3 * np.exp(0.5 * u.q) * _lognormal(rng, 0.6, (n, 1)) * 1.12**t
                * _lognormal(rng, 0.15, (n, T)))
    per_student = np.where(u.school, 0.38, 0.30) * _lognormal(rng, 0.3, (n, 1))
    own = enrolment * per_student * _lognormal(rng, 0.06, (n, T))
    local, sponsor, industry, own = (np.round(x, 1) for x in (local, sponsor, industry, own))
    return {"central_funding": central, "local_funding": local, "sponsor_funding": sponsor,
            "industry_funding": industry, "own_funding": own,
            "total_funding": np.round(central + local + sponsor + industry + own, 1)}


def _service(rng, u: _Units, money: np.ndarray, drive: np.ndarray, focus) -> dict[str, np.ndarray]:
    """Social-service flows and co-built training bases; more money helps, quality and efficiency more."""
    n, T, t, school = u.n, u.T, u.t, u.school
    mid = np.zeros((n, T), bool)
    mid[:, 2] = True  # calibrate magnitudes on the mid-term year 2021
    service = np.where(school, 2.5, 1.0) * drive * focus() * (1 + u.growth) ** t * _lognormal(rng, 0.12, (n, T))
    # pin the yearly medians: about 740 in 2021, growing 25-35% a year
    path = 740.0 * np.cumprod([1.0, 1.26, 1.32, 1.28, 1.33]) / (1.26 * 1.32)
    service = np.round(service * path / np.median(service, axis=0), 1)

    transaction = service * 0.25 * _lognormal(rng, 0.7, (n, 1)) * _lognormal(rng, 0.3, (n, T))
    never = (~school) & (rng.random((n, 1)) < 0.06) & (t <= 1)  # no transactions before 2021
    transaction = np.round(np.where(never, 0.0, transaction), 1)

    pandemic = np.array([1.0, 0.70, 0.90, 0.85, 1.0])
    training = np.where(school, 3.0, 1.0) * drive * focus() * 1.12**t * pandemic * _lognormal(rng, 0.2, (n, T))
    training = np.round(_calibrate(training, mid, 520.0), 1)
    person_days = np.round(training * 60 * _lognormal(rng, 0.4, (n, 1)) * _lognormal(rng, 0.1, (n, T)))

    patents = rng.poisson(np.where(school, 10.0, 2.5) * drive * focus() * 1.15**t).astype(float)

    stock0 = 40 * np.where(school, 1.5, 1.0) * np.sqrt(money[:, :1]) * np.exp(0.3 * u.q) * focus()
    adds = rng.poisson(np.repeat(stock0 * 0.12 * np.exp(0.3 * u.eff), T, axis=1))
    adds[:, 0] = 0
    bases = np.round(_calibrate(stock0 + np.cumsum(adds, axis=1), mid, 60.0, stat=np.mean))
    return {"tech_service_income": service, "tech_transaction_income": transaction,
            "training_income": training, "training_person_days": person_days,
            "patents_transferred": patents, "coop_training_bases": bases}


def _awards(rng, u: _Units, focus) -> dict[str, np.ndarray]:
    """Cumulative prizes and awards, and the provincial award count that stops in 2022."""
    n, T, t, school, q = u.n, u.T, u.t, u.school, u.q
    covid_comp = np.array([1.0, 0.15, 1.0, 1.0, 1.0])  # the 2020 national competition was largely cancelled
    yearly = np.where(school, 5.0, 1.5) * np.exp(1.2 * q + 0.3 * u.eff) * focus() * covid_comp
    prizes = np.cumsum(rng.poisson(yearly), axis=1)
    awards0 = rng.poisson(np.where(school, 2.5, 0.8) * np.exp(q))
    round_2022 = rng.poisson(np.where(school, 2.0, 0.7) * np.exp(q))  # announced in 2023
    awards = np.repeat(awards0, T, axis=1) + np.where(t == 4, round_2022, 0)
    provincial = rng.poisson(np.where(school, 6.0, 2.0) * np.exp(q) * np.ones((n, T))).astype(float)
    provincial[:, 3:] = np.nan  # the indicator was dropped from the 2022 reporting template
    return {"skill_prizes": prizes.astype(float), "teaching_awards": awards.astype(float),
            "provincial_awards": provincial}


def _rates(rng, u: _Units) -> dict[str, np.ndarray]:
    """Double-qualified teacher share and graduate placement rate (percent)."""
    n, T, t, q = u.n, u.T, u.t, u.q
    dq0 = np.clip(62 + 6 * q + rng.normal(0, 6, (n, 1)), 40, 92)
    gains = np.clip(rng.normal(2.5, 1.0, (n, T)), 0, None) * (t > 0)
    dq = np.round(np.minimum(dq0 + np.cumsum(gains, axis=1), 98.0), 1)
    shock = np.array([0.0, -1.2, -0.2, -0.8, 0.3])  # pandemic-era graduate labour markets
    placement = 92 + 1.5 * q + 0.8 * u.eff + rng.normal(0, 1.5, (n, 1)) + rng.normal(0, 0.8, (n, T)) + shock
    placement = np.clip(placement, 80, 99.5)
    placement = np.round(placement - (placement[:, 2].mean() - 92.0), 1)
    return {"double_qualified_ratio": dq, "placement_rate": placement}


COUNT_COLUMNS = ["enrolment", "fulltime_teachers", "training_person_days", "patents_transferred",
                 "coop_training_bases", "skill_prizes", "teaching_awards", "provincial_awards"]
PANEL_COLUMNS = [row[0] for row in INDICATORS]


def build_panel(rng: np.random.Generator, units: pd.DataFrame, names: pd.DataFrame,
                specialties: pd.DataFrame) -> pd.DataFrame:
    """One row per unit and year: attributes, indicators and funding."""
    u = _Units(units)
    values = _staffing(rng, u, specialties)
    values.update(_funding(rng, u, values["enrolment"]))
    total = values["total_funding"]
    reference = np.where(u.school, np.median(total[:, 2:3][u.school]), np.median(total[:, 2:3][~u.school]))
    money = total / reference  # funding relative to the typical unit of the same type
    drive = money**0.3 * np.exp(u.q + u.eff)

    def focus() -> np.ndarray:
        # units are strong in some indicators and weak in others
        return _lognormal(rng, 0.35, (u.n, 1))

    values.update(_service(rng, u, money, drive, focus))
    values.update(_awards(rng, u, focus))
    values.update(_rates(rng, u))
    frame = pd.DataFrame({
        "unit_no": np.repeat(u.unit_no.to_numpy(), u.T),
        "year": np.tile(YEARS, u.n),
        **{k: values[k].ravel() for k in PANEL_COLUMNS},
    })
    attrs = units[["unit_no", "unit_type", "tier", "province"]].merge(names, on="unit_no")
    frame = attrs.merge(frame, on="unit_no")
    frame[COUNT_COLUMNS] = frame[COUNT_COLUMNS].astype("Int64")
    return frame[["unit_no", "institution", "year", "unit_type", "tier", "province", "college", *PANEL_COLUMNS]]


def punch_holes(rng: np.random.Generator, panel: pd.DataFrame) -> pd.DataFrame:
    """Real reports have gaps: some flows go unreported, a few 2019 values too.

    The targets table keeps the baselines the units wrote into their plans,
    so a baseline can be known there while the panel misses the 2019 value.
    """
    rates = {"tech_transaction_income": 0.04, "training_person_days": 0.03, "patents_transferred": 0.05,
             "placement_rate": 0.01}
    out = panel.copy()
    for column, rate in rates.items():
        out[column] = out[column].mask(rng.random(len(out)) < rate)
    first = (out["year"] == 2019).to_numpy()
    out["double_qualified_ratio"] = out["double_qualified_ratio"].mask(first & (rng.random(len(out)) < 0.04))
    return out


# ----------------------------------------------------------------- targets
def build_targets(rng: np.random.Generator, units: pd.DataFrame, panel: pd.DataFrame) -> pd.DataFrame:
    """Baseline (2019) and each unit's own mid-term (2021) and final (2023) targets."""
    base = panel[panel["year"] == 2019].set_index("unit_no")
    amb = units.set_index("unit_no")["ambition"]
    n = len(units)
    frames = []
    plans = {  # planned yearly growth for flows, planned additions for stocks, points for rates
        "tech_service_income": ("growth", 0.20), "tech_transaction_income": ("growth", 0.15),
        "training_income": ("growth", 0.10), "training_person_days": ("growth", 0.08),
        "patents_transferred": ("growth", 0.10), "coop_training_bases": ("add", 0.09),
        "skill_prizes": ("add", 0.7), "teaching_awards": ("add", 0.6),
        "double_qualified_ratio": ("points", 4.5), "placement_rate": ("points", 0.3),
        "student_teacher_ratio": ("points", -0.6),
    }
    # Share of the planned four-year move scheduled by the mid-term: plans are
    # often front-loaded (more than half by 2021), sometimes back-loaded.
    phase = rng.uniform(0.50, 0.85, n)
    for indicator in TARGET_INDICATORS:
        how, rate = plans[indicator]
        b = base[indicator].astype(float).reindex(amb.index).to_numpy()
        a = 0.8 * amb.to_numpy() * _lognormal(rng, 0.15, n)
        counted = panel[indicator].dtype == "Int64"
        if how == "growth":
            # a unit starting from zero still plans something
            floor = 1.0 if counted else np.nanmedian(b) * 0.05
            start = np.where(np.isnan(b), np.nan, np.maximum(b, floor))
            t23 = start * (1 + rate * a) ** 4
            t21 = start + phase * (t23 - start)
        elif indicator == "teaching_awards":
            # national awards come in rounds (2018, 2022): nothing new is planned by 2021
            t21, t23 = b, b + np.maximum(1.0, rate * b) * a
        elif how == "add":
            yearly = np.maximum(b, 1.0) * rate * a
            t21, t23 = b + 4 * phase * yearly, b + 4 * yearly
        elif indicator == "student_teacher_ratio":
            # units expect the enrolment expansion to push the ratio up first;
            # ambitious ones still promise to bring it down
            t21, t23 = np.maximum(b + 1.2 + rate * a, 11.0), np.maximum(b + 1.0 + 1.5 * rate * a, 11.0)
        else:
            t21, t23 = np.minimum(b + 2 * phase * rate * a, 99.5), np.minimum(b + 2 * rate * a, 100.0)
        digits = 0 if counted else (2 if indicator == "student_teacher_ratio" else 1)
        frames.append(pd.DataFrame({
            "unit_no": amb.index, "indicator": indicator, "baseline_year": 2019, "baseline": b,
            "target_2021": np.round(t21, digits), "target_2023": np.round(t23, digits),
        }))
    out = pd.concat(frames, ignore_index=True)
    out = out.merge(panel[["unit_no", "institution"]].drop_duplicates(), on="unit_no")
    out = out.sort_values(["unit_no", "indicator"], kind="stable")
    return out[["unit_no", "institution", "indicator", "baseline_year", "baseline", "target_2021", "target_2023"]]


# ----------------------------------------------------------------- resources
RESOURCE_TYPES = [("course", "KC", 3, 3), ("teacher", "JS", 2, 3), ("lab", "SY", 1, 2),
                  ("training_base", "JD", 1, 2)]  # type, code prefix, slots per specialty, shared pool size


def build_resources(rng: np.random.Generator, members: pd.DataFrame, specialties: pd.DataFrame) -> pd.DataFrame:
    """Which specialty uses which course, teacher, lab and training base, per year.

    Each cluster has a small shared pool per resource type; a specialty's slot
    draws from it when the cluster's sharing propensity exceeds the slot's
    threshold. Integrating clusters raise their propensity every year.
    """
    rows = []
    serial: dict[int, int] = {}
    active = specialties.groupby(["unit_no", "cluster", "specialty"], sort=False)["year"].agg(list)
    for (unit_no, cluster), group in members.groupby(["unit_no", "cluster"], sort=False):
        p0 = rng.beta(2, 4) * 0.7
        slope = rng.uniform(0.06, 0.14) if rng.random() < 0.45 else rng.uniform(-0.01, 0.02)
        share_p = np.clip(p0 + slope * (YEARS - 2019), 0, 0.9)
        pools = {}
        for rtype, prefix, _slots, pool in RESOURCE_TYPES:
            pools[rtype] = [_code(serial, unit_no, prefix) for _ in range(pool)]
        for spec in group["specialty"]:
            years = active[(unit_no, cluster, spec)]
            for rtype, prefix, slots, pool in RESOURCE_TYPES:
                n_slots = max(1, slots + int(rng.integers(-1, 2)))
                for _ in range(n_slots):
                    u, pick, own = rng.random(), int(rng.integers(pool)), _code(serial, unit_no, prefix)
                    for year in years:
                        shared = u < share_p[year - 2019]
                        rows.append((unit_no, cluster, spec, rtype, pools[rtype][pick] if shared else own, year))
    out = pd.DataFrame(rows, columns=["unit_no", "cluster", "specialty", "resource_type", "resource", "year"])
    return out.drop_duplicates().sort_values(["unit_no", "cluster", "specialty", "year", "resource_type",
                                              "resource"], kind="stable")


def _code(serial: dict[int, int], unit_no: int, prefix: str) -> str:
    serial[unit_no] = serial.get(unit_no, 0) + 1
    return f"{prefix}{unit_no:03d}-{serial[unit_no]:04d}"


# ----------------------------------------------------------------- main
def build_all() -> dict[str, pd.DataFrame]:
    seeds = np.random.SeedSequence(SEED).spawn(7)
    r_units, r_industry, r_clusters, r_panel, r_targets, r_resources, r_holes = (
        np.random.default_rng(s) for s in seeds)
    units = build_units(r_units)
    industry = build_industry(r_industry)
    names, members = build_clusters(r_clusters, units, industry)
    specialties = build_specialties(r_clusters, members, names)
    panel = build_panel(r_panel, units, names, specialties)
    targets = build_targets(r_targets, units, panel)
    panel = punch_holes(r_holes, panel)
    resources = build_resources(r_resources, members, specialties)
    resources = resources.merge(names[["unit_no", "institution"]], on="unit_no", sort=False)
    indicators = pd.DataFrame(INDICATORS, columns=["indicator", "label", "label_en", "unit", "direction",
                                                   "pillar", "role", "kind", "weight"])
    drop = ["unit_no"]
    return {
        "shuanggao.csv": panel.drop(columns=drop),
        "shuanggao_targets.csv": targets.drop(columns=drop),
        "shuanggao_indicators.csv": indicators,
        "shuanggao_specialties.csv.gz": specialties.drop(columns=drop),
        "shuanggao_industry.csv": industry,
        "shuanggao_resources.csv.gz": resources[["institution", "cluster", "specialty", "resource_type",
                                                 "resource", "year"]],
    }


def main(argv: list[str]) -> int:
    """Write the tables next to this script, or into the folder given with ``--out DIR``."""
    folder = Path(argv[argv.index("--out") + 1]) if "--out" in argv else HERE
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in build_all().items():
        _write(frame, name, folder)
        print(f"wrote {folder / name}: {len(frame)} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
