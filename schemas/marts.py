"""pandera models of the marts and the code tables.

Their columns and types come from the mart definitions (`pipelines/marts.py`), which are generated from
the forms; the checks hold the marts to what they promise: one row per key, each group column the sum
of its rows, each rate its quotient, the counts of a report adding up. Like `tables.py`, a failure here
is a fault in our output, not in a report, and it stops the warehouse from being published.
"""

from __future__ import annotations

from collections.abc import Callable

import pandera.polars as pa
import polars as pl

from pipelines import bodies, dictionary, marts, regions
from schemas.forms import FORMS
from schemas.tables import STATUSES

TOLERANCE = 1e-6
VERSIONS = sorted(FORMS)


def _columns(mart: marts.Mart) -> dict[str, pa.Column]:
    # pandera has no polars Map type: those columns are held to their type by a check of their own.
    return {name: pa.Column(None if dtype == marts.COUNT_MAP else dtype, nullable=True)
            for name, dtype in mart.dtypes.items()}


def _map_types(mart: marts.Mart) -> list[pa.Check]:
    names = [n for n, t in mart.dtypes.items() if t == marts.COUNT_MAP]
    return [pa.Check(lambda data, n=n: data.lazyframe.collect_schema()[n] == marts.COUNT_MAP,
                     error=f"{n} is a MAP(VARCHAR, BIGINT)") for n in names]


def _close(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    return (a - b).abs() <= TOLERANCE * pl.max_horizontal(pl.lit(1.0), b.abs())


def _sum_checks(units: list[marts.Unit], name: Callable[[str], str], version: str = "form_version") -> list[pa.Check]:
    """Each group column is the sum of its rows' columns, in each form version, where it is not NULL."""
    out = []
    detail = {u.name for u in units if u.detail}
    for u in (u for u in units if u.is_group):
        for v, members in u.members.items():
            if not set(members) <= detail:  # the version's only row is the group itself (2019 （六）)
                continue
            total, parts = pl.col(name(u.name)), pl.sum_horizontal(*(pl.col(name(m)) for m in members))
            out.append(pa.Check(
                lambda data, total=total, parts=parts, v=v: data.lazyframe.select(
                    (pl.col(version) != v) | total.is_null() | _close(total, parts)),
                error=f"{name(u.name)} = {' + '.join(name(m) for m in members)} ({v} form)"))
    return out


def _rate_check(rate: str, numerator: list[str], denominator: list[str]) -> pa.Check:
    """The rate is numerator / denominator, and NULL exactly where that is unknown or the denominator 0."""
    num = pl.sum_horizontal(*map(pl.col, numerator)) if len(numerator) > 1 else pl.col(numerator[0])
    den = pl.sum_horizontal(*map(pl.col, denominator)) if len(denominator) > 1 else pl.col(denominator[0])
    known = pl.all_horizontal(*(pl.col(c).is_not_null() for c in numerator + denominator)) & (den != 0)
    return pa.Check(
        lambda data: data.lazyframe.select(
            pl.when(known).then(_close(pl.col(rate), num / den)).otherwise(pl.col(rate).is_null())),
        error=f"{rate} = ({' + '.join(numerator)}) / ({' + '.join(denominator)})")


def _only_in_versions(columns: dict[str, list[str]]) -> list[pa.Check]:
    """A column of cells only some form versions have is NULL in the reports of the others."""
    return [pa.Check(lambda data, c=c, having=having: data.lazyframe.select(
                pl.col("form_version").is_in(having) | pl.col(c).is_null()),
                error=f"{c} is NULL outside the {', '.join(having)} form")
            for c, having in columns.items() if len(having) < len(FORMS)]


def _requests() -> pa.DataFrameSchema:
    mart = marts.MARTS["mart_requests"]
    units = marts.units(marts.REQUESTS)
    n_rows = max(len(s.rows) for _, s in dictionary.versions_of(marts.REQUESTS))
    columns = _columns(mart) | {
        "report_id": pa.Column(pl.String, nullable=False),
        "col_code": pa.Column(pl.String, pa.Check.isin(dictionary.col_codes(marts.REQUESTS))),
        "form_version": pa.Column(pl.String, pa.Check.isin(VERSIONS)),
        "n_missing": pa.Column(pl.Int64, pa.Check.in_range(0, n_rows)),
    }
    checks = [*_sum_checks(units, lambda n: n),
              _rate_check("disclosure_rate", list(marts.GRANTED), ["total_processed"]),
              *_only_in_versions({u.name: list(u.members) for u in units})]
    return pa.DataFrameSchema(columns, checks=checks, unique=["report_id", "col_code"], strict=True,
                              name="mart_requests")


def _appeals() -> pa.DataFrameSchema:
    mart = marts.MARTS["mart_appeals"]
    units = marts.units(marts.APPEALS)
    checks = []
    for c in dictionary.col_codes(marts.APPEALS):
        checks += _sum_checks(units, lambda n, c=c: f"{n}_{c}")
    concluded = marts.appeal_concluded()
    for u in (u for u in units if not u.detail):
        checks.append(_rate_check(f"{u.name}_correction_rate", [f"{u.name}_{marts.CORRECTED}"],
                                  [f"{u.name}_{c}" for c in concluded]))
    columns = _columns(mart) | {"report_id": pa.Column(pl.String, nullable=False, unique=True),
                                "form_version": pa.Column(pl.String, pa.Check.isin(VERSIONS))}
    return pa.DataFrameSchema(columns, checks=checks, strict=True, name="mart_appeals")


def _active() -> pa.DataFrameSchema:
    mart = marts.MARTS["mart_active_disclosure"]
    having = {marts.active_column_name(r, c): list(v) for r, c, v in marts.active_cells()}
    columns = _columns(mart) | {"report_id": pa.Column(pl.String, nullable=False, unique=True),
                                "form_version": pa.Column(pl.String, pa.Check.isin(VERSIONS))}
    return pa.DataFrameSchema(columns, checks=_only_in_versions(having), strict=True, name="mart_active_disclosure")


def _data_quality() -> pa.DataFrameSchema:
    mart = marts.MARTS["mart_data_quality"]
    columns = _columns(mart) | {
        "source_file": pa.Column(pl.String, nullable=False, unique=True),
        "report_id": pa.Column(pl.String, nullable=False),
        "status": pa.Column(pl.String, pa.Check.isin(STATUSES)),
        **{c: pa.Column(pl.Int64, pa.Check.ge(0)) for c, t in mart.dtypes.items() if c.startswith("n_")},
    }
    own = pl.col("duplicate_of").is_null()
    counts = [c for c in mart.dtypes if c.startswith("n_")]
    checks = [
        *_map_types(mart),
        pa.Check(lambda d: d.lazyframe.select(pl.col("n_values") + pl.col("n_missing") == pl.col("n_cells")),
                 error="n_values + n_missing = n_cells"),
        pa.Check(lambda d: d.lazyframe.select((pl.col("n_inferred") <= pl.col("n_flagged"))
                                              & (pl.col("n_flagged") <= pl.col("n_cells"))),
                 error="n_inferred ≤ n_flagged ≤ n_cells"),
        pa.Check(lambda d: d.lazyframe.select(pl.col("n_errors") + pl.col("n_warnings") == pl.col("n_findings")),
                 error="n_errors + n_warnings = n_findings"),
        pa.Check(lambda d: d.lazyframe.select(own | pl.all_horizontal(*(pl.col(c) == 0 for c in counts))),
                 error="a duplicate file counts no cells or findings of its own"),
    ]
    return pa.DataFrameSchema(columns, checks=checks, strict=True, name="mart_data_quality")


def _agency_year() -> pa.DataFrameSchema:
    mart = marts.MARTS["mart_agency_year"]
    columns = _columns(mart) | {
        "body_id": pa.Column(pl.String, nullable=False),
        "agency": pa.Column(pl.String, nullable=False),
        "year": pa.Column(pl.Int32, nullable=False),
        "n_reports": pa.Column(pl.Int64, pa.Check.ge(1)),
    }
    checks = [
        *_map_types(mart),
        pa.Check(lambda d: d.lazyframe.select(pl.col("report_ids").list.len() == pl.col("n_reports")),
                 error="n_reports = the number of report_ids"),
        _rate_check("disclosure_rate", list(marts.GRANTED), ["total_processed"]),
    ]
    return pa.DataFrameSchema(columns, checks=checks, unique=["body_id", "year"], strict=True, name="mart_agency_year")


def _body_trend() -> pa.DataFrameSchema:
    mart = marts.MARTS["mart_body_trend"]
    columns = _columns(mart) | {
        "body_id": pa.Column(pl.String, nullable=False),
        "year": pa.Column(pl.Int32, nullable=False),
        "w1_findings": pa.Column(pl.Int64, pa.Check.ge(0)),
    }
    changes = [n.removesuffix("_change") for n in mart.dtypes if n.endswith("_change")]
    checks = [
        pa.Check(lambda d: d.lazyframe.select(pl.col("previous_year").is_null() | (pl.col("previous_year") < pl.col("year"))),
                 error="the previous report is of an earlier year"),
        *(pa.Check(lambda d, n=n: d.lazyframe.select(
            (pl.col(f"{n}_change").is_null() == (pl.col(n) - pl.col(f"previous_{n}")).is_null())
            & _close(pl.col(f"{n}_change"), pl.col(n) - pl.col(f"previous_{n}")).fill_null(True)),
            error=f"{n}_change = {n} - previous_{n}, NULL where either is") for n in changes),
        pa.Check(lambda d: d.lazyframe.select(~pl.col("w1_holds").fill_null(False) | (pl.col("w1_findings") == 0)),
                 error="W1 does not hold where it has findings"),
    ]
    return pa.DataFrameSchema(columns, checks=checks, unique=["body_id", "year"], strict=True, name="mart_body_trend")


def _region_year() -> pa.DataFrameSchema:
    mart = marts.MARTS["mart_region_year"]
    code = pa.Check.str_matches(r"^[0-9]{6}$")
    columns = _columns(mart) | {
        "region_level": pa.Column(pl.String, pa.Check.isin(list(marts.REGION_LEVELS))),
        "region_code": pa.Column(pl.String, code),
        "province_code": pa.Column(pl.String, code),
        "year": pa.Column(pl.Int32, nullable=False),
        "n_reports": pa.Column(pl.Int64, pa.Check.ge(1)),
        "disclosure_rate": pa.Column(pl.Float64, pa.Check.ge(0), nullable=True),
        "balance_holds_share": pa.Column(pl.Float64, pa.Check.in_range(0, 1), nullable=True),
    }
    checks = [
        *_map_types(mart),
        pa.Check(lambda d: d.lazyframe.select((pl.col("n_bodies") >= 1) & (pl.col("n_bodies") <= pl.col("n_reports"))),
                 error="1 ≤ n_bodies ≤ n_reports"),
        pa.Check(lambda d: d.lazyframe.select(pl.col("n_reports_received") <= pl.col("n_reports")),
                 error="n_reports_received ≤ n_reports"),
        pa.Check(lambda d: d.lazyframe.select(pl.col("n_balance_evaluated") <= pl.col("n_reports")),
                 error="n_balance_evaluated ≤ n_reports"),
        pa.Check(lambda d: d.lazyframe.select(
            pl.col("region_code").str.slice(0, 2) == pl.col("province_code").str.slice(0, 2)),
            error="a region lies in its province"),
    ]
    return pa.DataFrameSchema(columns, checks=checks, unique=["region_level", "region_code", "year"], strict=True,
                              name="mart_region_year")


def _dim_body() -> pa.DataFrameSchema:
    code = pa.Check.str_matches(r"^[0-9]{6}$")
    columns = {c: pa.Column(t, nullable=c not in ("body_id", "name", "name_variants", "kind", "n_reports"))
               for c, t in bodies.BODY_COLUMNS.items()}
    columns |= {
        "body_id": pa.Column(pl.String, pa.Check.str_matches(r"^[0-9a-f]{16}$"), unique=True),
        "level": pa.Column(pl.String, pa.Check.isin(list(bodies.LEVELS)), nullable=True),
        "kind": pa.Column(pl.String, pa.Check.isin(list(bodies.KINDS))),
        "region_source": pa.Column(pl.String, pa.Check.isin(list(regions.SOURCES)), nullable=True),
        **{c: pa.Column(pl.String, code, nullable=True) for c in ("province_code", "prefecture_code", "county_code")},
        "n_reports": pa.Column(pl.Int64, pa.Check.ge(0)),
    }

    def within(inner: str, outer: str, digits: int) -> pa.Check:
        return pa.Check(lambda d: d.lazyframe.select(
            pl.col(inner).is_null() | (pl.col(inner).str.slice(0, digits) == pl.col(outer).str.slice(0, digits)).fill_null(False)),
            error=f"{inner} lies in {outer}")

    placed = pl.col("province_code").is_not_null()
    checks = [
        within("prefecture_code", "province_code", 2),
        within("county_code", "province_code", 2),
        pa.Check(lambda d: d.lazyframe.select(placed == pl.col("region_source").is_not_null()),
                 error="a placed body says what placed it, an unplaced one does not"),
        pa.Check(lambda d: d.lazyframe.select(placed | pl.col("region_reason").is_not_null()),
                 error="a body not placed says why"),
        pa.Check(lambda d: d.lazyframe.select(pl.col("name_variants").list.contains(pl.col("name"))),
                 error="the canonical name is one of its spellings"),
    ]
    return pa.DataFrameSchema(columns, checks=checks, strict=True, name="dim_body")


def _dimension(name: str, key: str, schema: dict, extra: dict) -> pa.DataFrameSchema:
    columns = {c: pa.Column(t, nullable=c in ("group_code", "group_zh", "group_en")) for c, t in schema.items()}
    columns |= {"section": pa.Column(pl.String, pa.Check.isin(dictionary.section_codes())), **extra}
    versions_known = pa.Check(lambda d: d.lazyframe.select(
        (pl.col("form_versions").list.len() >= 1)
        & pl.col("form_versions").list.eval(pl.element().is_in(VERSIONS)).list.all()),
        error="form_versions lists one or more known versions")
    return pa.DataFrameSchema(columns, checks=[versions_known], unique=["section", key], strict=True, name=name)


def _groups() -> list[str]:
    return sorted({g for f in FORMS.values() for s in f.sections for g in s.groups})


SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "mart_requests": _requests(),
    "mart_appeals": _appeals(),
    "mart_active_disclosure": _active(),
    "mart_data_quality": _data_quality(),
    "mart_agency_year": _agency_year(),
    "mart_body_trend": _body_trend(),
    "mart_region_year": _region_year(),
    "dim_body": _dim_body(),
    "dim_row": _dimension("dim_row", "row_code", dictionary.DIM_ROW_SCHEMA,
                          {"group_code": pa.Column(pl.String, pa.Check.isin(_groups()), nullable=True)}),
    "dim_col": _dimension("dim_col", "col_code", dictionary.DIM_COL_SCHEMA,
                          {"unit": pa.Column(pl.String, pa.Check.isin(["件", "元"]))}),
}
