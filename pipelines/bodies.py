"""Reporting bodies: which reports are one body's, across spellings and years, and where it sits.

A body is its region and its name without the region: 樟树市机关事务管理局 and 江西省樟树市机关事务管理局 are
one body (360982, 机关事务管理局); every county's 财政局 is a body of its own. The name is folded as W1
has always folded it (`agency_key`: width, spaces, brackets, 人民政府/政府, 管理委员会/管委会 …), and
further for the long and short forms of zones (经济技术开发区/经开区) and of a few departments
(科学技术委员会/科委): different spellings of one name, never different names.

`body_id` is derived from that key (a hash), not from a counter: the same body has the same id in every
run and every year, whatever other reports the run sees.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache

import polars as pl

from . import regions
from .agency import agency_key
from .text import normalise

# Levels and kinds, as in dim_body.
LEVELS = ("省级", "地市级", "县级", "乡镇级")
GOVERNMENT, DEPARTMENT, ZONE, OTHER = "人民政府", "政府部门", "开发区、新区", "其他"
KINDS = (GOVERNMENT, DEPARTMENT, ZONE, OTHER)

# Long -> short forms written for one name, anywhere in it.
_SPELLINGS = (
    ("经济技术开发区", "经开区"),
    ("经济开发区", "经开区"),
    ("高新技术产业开发区", "高新区"),
    ("高新技术开发区", "高新区"),
    ("科学技术委员会", "科委"),
    ("发展和改革委员会", "发改委"),
    ("发展改革委员会", "发改委"),
    ("卫生健康委员会", "卫健委"),
    ("卫生和健康委员会", "卫健委"),
    ("经济和信息化委员会", "经信委"),
    ("教育委员会", "教委"),
    ("人力资源和社会保障", "人社"),
    ("住房和城乡建设", "住建"),
    ("市场监督管理", "市场监管"),
)
# A zone's management committee reports as the zone: 盐城经开区管委会 / 盐城经开区.
_ZONE_COMMITTEE = re.compile(rf"({'|'.join(regions.ZONE_WORDS)})管委会$")
_TOWN = re.compile(r"^[^局委办厅]{1,6}?(?:镇|乡|街道)(?:办事处|办)?$")
# What is left of a name once its divisions are read: an area the table does not know (赣州市东湖区).
_AREA = re.compile(r"^[^局委办厅]{1,8}?[市县区旗盟州]$")
# Markup or other text a title was read with before the name: no part of it.
_LEAD = re.compile(r"^[^\u4e00-\u9fff]+")
_DEPARTMENT = re.compile(r"(?:局|委|厅|办|中心|院|署|所|处|室|站|队|馆|会|部|司|组)$")


@dataclass(frozen=True)
class Body:
    """One report's body: the key its reports share, and what its name says of it."""

    key: str
    level: str | None
    kind: str
    placement: regions.Placement


def folded(name: str) -> str:
    """The name as W1 folds it, with the long and short forms of zones and departments made one."""
    text = _LEAD.sub("", normalise(name))
    for long, short in _SPELLINGS:
        text = text.replace(long, short)
    return agency_key(text)


def body_of(name: str, address: str | None = None, source_file: str | None = None,
            area_code: str | None = None) -> Body:
    """The body a report titled `name` is by (with the report's contact address, its telephone area
    code and its path, which place it where its name does not)."""
    placement = regions.place(name, address, source_file, area_code)
    by_name = placement.source == regions.FROM_NAME
    rest, level, kind = _name_parts(name, by_name)
    # Placed by its report's address or folder, a body is kept apart from the one its name places there:
    # 财政局 with an address in 袁州区 may be 宜春市's, not 袁州区财政局.
    return Body(f"{placement.code or ''}{'|' if by_name else '~'}{rest}", level, kind, placement)


@lru_cache(maxsize=regions.PLACEMENT_CACHE)
def _name_parts(name: str, by_name: bool) -> tuple[str, str | None, str]:
    """What a body's name says of it, read once a name: the name without its region (where the name is
    what places it), its level and its kind."""
    key_name = folded(name)
    zone = regions.zone_of(key_name)
    chain = None if zone else regions.chain(key_name, start_anywhere=True)
    if by_name and zone is None and chain is not None:
        rest = key_name[:chain.start] + key_name[chain.end:]  # the region is in the key as its code
    else:
        rest = key_name
    rest = _ZONE_COMMITTEE.sub(r"\1", rest)
    return rest, _level(rest, chain, zone), _kind(key_name, rest, zone, chain)


def _level(rest: str, chain: regions.Chain | None, zone: regions.Zone | None) -> str | None:
    if _TOWN.match(rest):
        return "乡镇级"
    further = regions.mentions(rest)
    if zone is not None:
        divisions = (regions.table().divisions[zone.host],)
    elif chain is not None and chain.reason and further and further[0].start == 0:
        divisions = further[0].divisions  # 赣州市东湖区…: a district of the city the table does not know
    elif chain is not None:
        divisions = chain.divisions
    else:
        return None  # the name names no division: its level is not known from it
    levels = {_level_of(d) for d in divisions}
    return levels.pop() if len(levels) == 1 else None


def _level_of(d: regions.Division) -> str:
    if d.level == regions.PROVINCE:
        return "省级"
    if d.level == regions.PREFECTURE:
        return "地市级"
    return "县级"


def _kind(key_name: str, rest: str, zone: regions.Zone | None, chain: regions.Chain | None) -> str:
    if zone is not None or (chain is not None and chain.zone is not None) or regions.ZONE_RE.search(key_name):
        return ZONE
    if (chain is not None and (rest == "" or _AREA.match(rest))) or _TOWN.match(rest) or rest in ("政府", "人民政府"):
        return GOVERNMENT
    if _DEPARTMENT.search(rest):
        return DEPARTMENT
    return OTHER


def body_id(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:16]


BODY_COLUMNS = {
    "body_id": pl.String, "name": pl.String, "name_variants": pl.List(pl.String), "level": pl.String,
    "kind": pl.String, "province_code": pl.String, "province": pl.String, "prefecture_code": pl.String,
    "prefecture": pl.String, "county_code": pl.String, "county": pl.String, "region_source": pl.String,
    "region_reason": pl.String, "n_reports": pl.Int64, "first_year": pl.Int32, "last_year": pl.Int32,
}
_PLACEMENT = ("province_code", "province", "prefecture_code", "prefecture", "county_code", "county")
CLUES = ("address", "area_code")  # what a report's text says of where its body is (reports columns)


@lru_cache(maxsize=regions.PLACEMENT_CACHE)
def _body_fields(agency: str, address: str | None, area_code: str | None, folder: str) -> tuple:
    """The fields `report_bodies` gives a report after its own, from what they are read from: the same
    for every report of a body with one address and folder, in both of a run's placings."""
    body = body_of(agency, address, folder + "/" if folder else None, area_code)
    p = body.placement
    return (body_id(body.key), body.level, body.kind, p.province_code, p.province, p.prefecture_code, p.prefecture,
            p.county_code, p.county, p.source, p.reason)


def report_bodies(reports: pl.DataFrame) -> pl.DataFrame:
    """(report_id, source_file, body_id and the body's fields) for every row of `reports` with an agency."""
    clues = {c: pl.col(c) if c in reports.columns else pl.lit(None, pl.String) for c in CLUES}
    rows = reports.filter(pl.col("agency").is_not_null()).select("report_id", "source_file", "agency", "year", **clues)
    out = []
    for report, source_file, agency, year, address, area_code in rows.iter_rows():
        fields = _body_fields(agency, address, area_code, source_file.rpartition("/")[0])
        out.append((report, source_file, agency, year, *fields))
    schema = {"report_id": pl.String, "source_file": pl.String, "agency": pl.String, "year": pl.Int32,
              "body_id": pl.String, "level": pl.String, "kind": pl.String,
              **{c: pl.String for c in _PLACEMENT}, "region_source": pl.String, "region_reason": pl.String}
    return pl.DataFrame(out, schema=schema, orient="row")


def dim_body(bodies: pl.DataFrame, current: pl.DataFrame | None = None) -> pl.DataFrame:
    """One row per body from `report_bodies`: its canonical name (the spelling most of its reports use;
    of equals, the latest year's, then the first in order; without markup read before it), every
    spelling as written, and its region: its reports
    all place it in one division (the key holds its code), and where an address placed one and a folder
    another, the address is its `region_source`. `n_reports`, `first_year`, `last_year` count the rows
    of `current` (report_id, source_file) only."""
    if current is not None:
        counted = bodies.join(current.select("report_id", "source_file"), on=["report_id", "source_file"], how="semi")
    else:
        counted = bodies
    spellings = (bodies.group_by("body_id", "agency").agg(n=pl.len(), latest=pl.col("year").max())
                 .sort(["body_id", "n", "latest", "agency"], descending=[False, True, True, False], nulls_last=True))
    names = spellings.group_by("body_id", maintain_order=True).agg(
        name=pl.col("agency").first().str.replace(_LEAD.pattern, ""), name_variants=pl.col("agency").sort())
    source_rank = pl.col("region_source").replace_strict(
        {s: i for i, s in enumerate(regions.SOURCES)}, default=len(regions.SOURCES), return_dtype=pl.Int32)
    places = (bodies.sort(source_rank, "report_id")
              .group_by("body_id", maintain_order=True)
              .agg(pl.col("level", "kind", *_PLACEMENT, "region_source", "region_reason").first()))
    counts = counted.group_by("body_id").agg(n_reports=pl.len().cast(pl.Int64), first_year=pl.col("year").min(),
                                             last_year=pl.col("year").max())
    return (names.join(places, on="body_id").join(counts, on="body_id", how="left")
            .with_columns(pl.col("n_reports").fill_null(0))
            .select(list(BODY_COLUMNS)).cast(BODY_COLUMNS).sort("body_id"))
