"""A synthetic corpus of reports, with the truth of every cell beside it, to measure the parser at scale.

Bodies report every year, so that last year's carried-forward requests are this year's carried-over
ones (W1) and the documents in force move by what was issued and repealed (W2). Each report's numbers
satisfy the identities of its form (I1–I3, T4), except in a chosen share of reports where one total is
off; which one is recorded. Every report is rendered in one of the table encodings the parser reads,
cycling through them, on the form of its year. Labels, codes, units and identities all come from the
form description (`schemas.forms`): what the generator writes is what the forms say a report holds.

The truth (`truth/cells-*.parquet`, one row per cell; `truth/reports.parquet`, one row per file)
holds what each cell *says*: its value as the warehouse should store it (money in 元), and the text
written. `accuracy` compares a warehouse's facts with it.
"""

from __future__ import annotations

import html
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import polars as pl

from schemas.forms import FORMS, FormVersion, Section

from . import corpus_pdf
from . import corpus_word_html
from . import render_docx
from .parse_all import Progress, map_chunks

YEARS = tuple(range(2019, 2025))
FORM_OF_YEAR = {y: ("2019" if y <= 2020 else "2021") for y in range(2008, 2100)}

# Prose around the tables: the sections without a table, and the words of a body's name.
INTRO = ("根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和上级有关要求，编制本报告。"
         "本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。")
OVERVIEW = ("一、总体情况", "{year}年，本机关认真贯彻落实《条例》，围绕中心工作推进政务公开，"
                        "及时回应社会关切，政府信息公开工作取得新的成效。")
PROBLEMS = ("五、存在的主要问题及改进情况", "政务公开工作仍存在信息更新不够及时等问题。下一步将进一步规范公开流程。")
OTHERS = ("六、其他需要报告的事项", "本年度未收取信息处理费。")
CITIES = ("南昌", "赣州", "九江", "上饶", "吉安", "宜春", "抚州", "萍乡", "景德镇", "鹰潭", "长沙", "株洲", "湘潭",
          "衡阳", "岳阳", "常德", "益阳", "郴州", "永州", "怀化", "合肥", "芜湖", "蚌埠", "安庆", "黄山", "福州",
          "厦门", "泉州", "漳州", "莆田", "南平", "三明", "龙岩", "宁德", "南京", "无锡", "徐州", "常州", "苏州",
          "南通", "连云港", "淮安", "盐城", "扬州", "镇江", "泰州", "宿迁", "杭州", "宁波", "温州", "嘉兴", "湖州")
DISTRICTS = ("", "东湖区", "西湖区", "青山湖区", "新建区", "经济技术开发区", "高新技术产业开发区", "城南新区",
             "北湖区", "南湖区", "东城区", "西城区", "临江区", "河口区", "江北区", "江南区", "城关镇", "开发区")
DEPARTMENTS = ("人民政府", "人民政府办公室", "发展和改革委员会", "教育局", "科学技术局", "工业和信息化局", "公安局",
               "民政局", "司法局", "财政局", "人力资源和社会保障局", "自然资源局", "生态环境局", "住房和城乡建设局",
               "交通运输局", "水利局", "农业农村局", "商务局", "文化广电旅游局", "卫生健康委员会", "退役军人事务局",
               "应急管理局", "审计局", "市场监督管理局", "统计局", "医疗保障局", "林业局", "城市管理局",
               "行政审批局", "机关事务管理局")

TRUTH_CELLS = {"source_file": pl.String, "section": pl.String, "row_code": pl.String, "col_code": pl.String,
               "value": pl.Float64, "raw_text": pl.String}
TRUTH_REPORTS = {"source_file": pl.String, "agency": pl.String, "year": pl.Int32, "form_version": pl.String,
                 "encoding": pl.String, "broken_rule": pl.String, "broken_row": pl.String, "broken_col": pl.String}

Cells = dict[tuple[str, str, str], tuple[Decimal, str]]  # (section, row, col) -> (value, text written)
Table = list[list[str]]  # rows of cell texts, header rows first


# --- numbers -----------------------------------------------------------------------------------------


@dataclass
class Body:
    """What a body carries from one year's report to the next."""

    agency: str
    carried_forward: dict[str, int] = field(default_factory=dict)  # by applicant column
    in_force: dict[str, int] = field(default_factory=dict)  # by row of 二 (2021 form)


def _count(rng: random.Random, busy: float) -> int:
    """A count as reports have them: mostly 0, sometimes a few, now and then many."""
    roll = rng.random()
    if roll < 1 - busy:
        return 0
    return rng.randint(1, 9) if roll < 1 - busy / 4 else rng.randint(10, 900)


def _identity(form: FormVersion, rule: str):
    return next(i for i in form.identities if i.rule == rule)


def draw_numbers(form: FormVersion, body: Body, rng: random.Random) -> Cells:
    """Every cell of the form, with numbers that satisfy its identities and continue the body's last report."""
    cells: Cells = {}
    active = form.section("active")
    for row in active.rows:
        for col in active.columns_of(row):
            cells[("active", row.code, col)] = _active_value(active, col, rng)
    _within_bounds(form, cells)
    _continue_in_force(form, body, rng, cells)
    _requests(form, body, rng, cells)
    appeals = _identity(form, "T4")
    for row in form.section("appeals").rows:
        parts = {c: _count(rng, 0.15) for c in appeals.rhs}
        for col, v in parts.items():
            cells[("appeals", row.code, col)] = (Decimal(v), str(v))
        total = sum(parts.values())
        cells[("appeals", row.code, appeals.lhs[0])] = (Decimal(total), str(total))
    return cells


def _active_value(section: Section, col: str, rng: random.Random) -> tuple[Decimal, str]:
    column = section.column(col)
    if column.unit == "元":
        if column.default_money_unit == "万元":  # a bare number under a 万元 header: two decimals of 万元
            wan = Decimal(rng.randint(0, 50000)) / 100
            return wan * 10000, f"{wan}"
        if rng.random() < 0.5:  # a bare number, in 元 by assumption
            yuan = rng.randint(0, 5_000_000)
            return Decimal(yuan), str(yuan)
        wan = rng.randint(1, 90000)
        return Decimal(wan) * 10000, f"{wan}万元"
    if column.signed:
        change = rng.randint(-50, 80)
        return Decimal(change), f"{change:+d}" if change else "0"
    count = _count(rng, 0.6)
    return Decimal(count), str(count)


def _within_bounds(form: FormVersion, cells: Cells) -> None:
    """The form's bounds (sum(lhs) ≤ sum(rhs), per row of 二): a total that falls short is raised."""
    for bound in getattr(form, "soft_identities", ()):
        if bound.section != "active" or bound.over != "row" or bound.relation != "<=":
            continue
        for row in form.section("active").rows:
            have = {c for (_, r, c) in cells if r == row.code}
            if not set(bound.lhs + bound.rhs) <= have:
                continue
            short = sum(int(cells[("active", row.code, c)][0]) for c in bound.lhs) \
                - sum(int(cells[("active", row.code, c)][0]) for c in bound.rhs)
            if short > 0:
                raised = int(cells[("active", row.code, bound.rhs[0])][0]) + short
                cells[("active", row.code, bound.rhs[0])] = (Decimal(raised), str(raised))


def _continue_in_force(form: FormVersion, body: Body, rng: random.Random, cells: Cells) -> None:
    """W2: this year's documents in force are last year's, plus those issued, less those repealed."""
    rules = [c for c in form.continuities if c.section == "active" and c.over == "row"]
    active = form.section("active")
    carried = {}
    for rule in rules:
        for row in active.rows:
            if rule.current not in active.columns_of(row):
                continue
            plus = sum(int(cells[("active", row.code, c)][0]) for c in rule.plus)
            minus = sum(int(cells[("active", row.code, c)][0]) for c in rule.minus)
            before = body.in_force.get(row.code, rng.randint(minus, minus + 300))
            if before + plus < minus:  # nothing can be repealed that is not in force
                minus = before + plus
                cells[("active", row.code, rule.minus[0])] = (Decimal(minus), str(minus))
            now = before + plus - minus
            cells[("active", row.code, rule.current)] = (Decimal(now), str(now))
            carried[row.code] = now
    body.in_force = carried  # a form without the column starts the count afresh next year


def _requests(form: FormVersion, body: Body, rng: random.Random, cells: Cells) -> None:
    balance, results, totals = _identity(form, "I1"), _identity(form, "I2"), _identity(form, "I3")
    received, carried_over = balance.lhs
    processed, carried_forward = balance.rhs
    for col in totals.rhs:  # the applicant columns
        busy = 0.7 if col == totals.rhs[0] else 0.08
        values = {row: _count(rng, busy / 3) for row in results.rhs}
        values[processed] = sum(values[r] for r in results.rhs)
        values[carried_over] = body.carried_forward.get(col, _count(rng, busy / 4))
        values[carried_forward] = min(_count(rng, busy / 4), values[processed] + values[carried_over])
        values[received] = values[processed] + values[carried_forward] - values[carried_over]
        if values[received] < 0:  # last year's backlog is processed now
            values[results.rhs[0]] -= values[received]
            values[processed] -= values[received]
            values[received] = 0
        body.carried_forward[col] = values[carried_forward]
        for row, v in values.items():
            cells[("requests", row, col)] = (Decimal(v), str(v))
    for row in form.section("requests").rows:
        total = sum(int(cells[("requests", row.code, c)][0]) for c in totals.rhs)
        cells[("requests", row.code, totals.lhs[0])] = (Decimal(total), str(total))


def break_one(form: FormVersion, cells: Cells, rng: random.Random) -> tuple[str, str, str]:
    """Make one total disagree with its parts (I3 in 三, T4 in 四); the rule, row and column broken."""
    if rng.random() < 0.7:
        identity, section = _identity(form, "I3"), "requests"
    else:
        identity, section = _identity(form, "T4"), "appeals"
    row = rng.choice(form.section(section).rows).code
    key = (section, row, identity.lhs[0])
    wrong = int(cells[key][0]) + rng.choice([1, 2, 3, 10])
    cells[key] = (Decimal(wrong), str(wrong))
    return identity.rule, row, identity.lhs[0]


# --- tables and text ---------------------------------------------------------------------------------


def tables(form: FormVersion, cells: Cells) -> dict[str, Table]:
    """The three tables as rows of cell texts, laid out as the official form lays them out."""
    return {"active": _active_table(form.section("active"), cells),
            "requests": _requests_table(form.section("requests"), cells),
            "appeals": _appeals_table(form.section("appeals"), cells)}


def _active_table(section: Section, cells: Cells) -> Table:
    table: Table = []
    header = None
    for row in section.rows:
        columns = section.columns_of(row)
        if columns != header:  # each block of rows with the same columns has its own header row
            table.append(["信息内容", *(section.column(c).label_zh for c in columns)])
            header = columns
        table.append([row.label_zh, *(cells[("active", row.code, c)][1] for c in columns)])
    return table


def _requests_table(section: Section, cells: Cells) -> Table:
    columns = [c for c in section.columns if c.code != "total"]
    table: Table = [["申请人情况"],
                    [columns[0].label_zh, "法人或其他组织", section.column("total").label_zh],
                    [c.label_zh for c in columns[1:]]]
    seen_groups: set[str] = set()
    for row in section.rows:
        labels = []
        if row.group and row.group not in seen_groups:
            # A group's heading stands beside its first row (merged down in the source).
            if row.group != "results" and "results" not in seen_groups:
                labels.append(section.groups["results"])
                seen_groups.add("results")
            labels.append(section.groups[row.group])
            seen_groups.add(row.group)
        labels.append(row.label_zh)
        table.append([*labels, *(cells[("requests", row.code, c)][1] for c in section.columns_of(row))])
    return table


def _appeals_table(section: Section, cells: Cells) -> Table:
    labels = [c.label_zh for c in section.columns]
    values = [cells[("appeals", r.code, c.code)][1] for r in section.rows for c in section.columns]
    first, *litigation = section.rows
    return [[first.label_zh, section.groups["litigation"]],
            [*labels, *(r.label_zh for r in litigation)],
            labels * len(litigation),
            values]


def _tab_rows(table: Table) -> str:
    return "\n".join("\t".join(row) for row in table)


def _cell_per_line(table: Table) -> str:
    return "\n\n".join("\n".join("\t" + cell for cell in row) for row in table)


def _pipe_cells(table: Table) -> str:
    return "\n".join(f"{cell} |" for row in table for cell in row)


def _spaced_text(table: Table) -> str:
    return "\n".join(" ".join(row) for row in table)


def _markdown(table: Table) -> str:
    width = max(len(r) for r in table)
    lines = ["| " + " | ".join(row + [""] * (width - len(row))) + " |" for row in table]
    return "\n".join([lines[0], "|" + "---|" * width, *lines[1:]])


def _flattened(table: Table) -> str:
    return "".join("".join(row) for row in table)


def _html(table: Table) -> str:
    rows = ("<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>" for row in table)
    return "<table>\n" + "\n".join(rows) + "\n</table>"


@dataclass(frozen=True)
class Layout:
    table: Callable[[Table], str] | None
    suffix: str = ".txt"
    html: bool = False
    # A layout of its own file format: the report's blocks, tables as rows of cells, to the file's bytes.
    document: Callable[[list[tuple[str, str | Table]]], bytes] | None = None
    page: Callable[[list[tuple[str, str]]], str] | None = None  # an HTML page of its own (Word's) around the blocks
    # A Word file written whole by its renderer, which draws the tables itself with their merges.
    whole: Callable[..., bytes] | None = None


# One renderer for each table encoding of the parser it can write; `encodings()` keeps those the
# parser has.
LAYOUTS: dict[str, Layout] = {
    "cell_per_line": Layout(_cell_per_line),
    "pipe_cells": Layout(_pipe_cells),
    "tab_rows": Layout(_tab_rows),
    "spaced_text": Layout(_spaced_text),
    "markdown_tables": Layout(_markdown, ".md"),
    "html_tables": Layout(_html, ".html", html=True),
    "flattened": Layout(_flattened),
    "pdf_ruled": Layout(None, ".pdf", document=corpus_pdf.ruled),
    "pdf_unruled": Layout(None, ".pdf", document=corpus_pdf.unruled),
    "word_html": Layout(corpus_word_html.table, ".html", html=True, page=corpus_word_html.page),
    "docx": Layout(_tab_rows, ".docx", whole=render_docx.render),
}


def encodings() -> list[str]:
    """The layouts both the parser reads and the generator writes: a layout written as text by the
    table encoding of its name, a layout of another format (HTML, DOCX, PDF) by that format's reader."""
    from .encodings import ENCODINGS
    from .readers import reader_for

    def read(name: str, layout: Layout) -> bool:
        reader = reader_for(f"report{layout.suffix}")
        return reader is not None and (reader.name != "text" or name in ENCODINGS)

    return [name for name, layout in LAYOUTS.items() if read(name, layout)]


def render(form: FormVersion, agency: str, year: int, encoding: str, cells: Cells, day: int = 20,
           variant: int = 0) -> str | bytes:
    layout = LAYOUTS[encoding]
    blocks: list[tuple[str, str | Table]] = [("", f"{agency}{year}年政府信息公开工作年度报告"),
                                             ("", INTRO.format(year=year)), (OVERVIEW[0], OVERVIEW[1].format(year=year))]
    for code, table in tables(form, cells).items():
        section = form.section(code)
        blocks.append((f"{section.number}、{section.title_zh}", table if layout.document else "\x00" + layout.table(table)))
    blocks += [PROBLEMS, OTHERS, ("", agency), ("", f"{year + 1}年1月{day}日")]
    if layout.document:
        return layout.document(blocks)
    if layout.whole:
        return layout.whole(form, agency, year, cells, blocks, variant)
    if layout.page:
        return layout.page(blocks)
    if layout.html:
        body = []
        for heading, text in blocks:
            if heading:
                body.append(f"<p>{html.escape(heading)}</p>")
            body.append(text[1:] if text.startswith("\x00") else f"<p>{html.escape(text)}</p>")
        return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    parts = []
    for heading, text in blocks:
        if heading:
            parts.append(heading)
        parts.append(text.lstrip("\x00"))
    return "\n\n".join(parts) + "\n"


# --- the corpus --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    reports: int
    seed: int = 0
    broken_share: float = 0.1
    years: tuple[int, ...] = YEARS
    encodings: tuple[str, ...] = ()  # empty: every encoding the parser reads

    @property
    def bodies(self) -> int:
        return max(1, -(-self.reports // len(self.years)))


def body_name(seed: int, index: int) -> str:
    rng = random.Random(f"{seed}:{index}:name")
    return f"{rng.choice(CITIES)}市{rng.choice(DISTRICTS)}{rng.choice(DEPARTMENTS)}"


def _generate_bodies(task: tuple[Spec, str, list[int]]) -> list[dict]:
    """Write every report of some bodies, year after year; their truth goes to one parquet file."""
    spec, out, indices = task
    names = list(spec.encodings) or encodings()
    root = Path(out)
    truth_cells: dict[str, list] = {k: [] for k in TRUTH_CELLS}
    reports = []
    for index in indices:
        body = Body(body_name(spec.seed, index))
        for n_year, year in enumerate(sorted(spec.years)):  # in order: each report continues the last
            number = index * len(spec.years) + n_year
            if number >= spec.reports:
                break
            rng = random.Random(f"{spec.seed}:{index}:{year}")
            form = FORMS[FORM_OF_YEAR[year]]
            cells = draw_numbers(form, body, rng)
            broken = break_one(form, cells, rng) if rng.random() < spec.broken_share else (None, None, None)
            encoding = names[number % len(names)]
            name = f"{year}/{encoding}/{number:07d}{LAYOUTS[encoding].suffix}"
            path = root / "raw" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            rendered = render(form, body.agency, year, encoding, cells, day=1 + number % 28,
                              variant=number // len(names))
            if isinstance(rendered, bytes):
                path.write_bytes(rendered)
            else:
                path.write_text(rendered, encoding="utf-8")
            reports.append({"source_file": name, "agency": body.agency, "year": year, "form_version": form.code,
                            "encoding": encoding, "broken_rule": broken[0], "broken_row": broken[1],
                            "broken_col": broken[2]})
            for (section, row, col), (value, text) in cells.items():
                truth_cells["source_file"].append(name)
                truth_cells["section"].append(section)
                truth_cells["row_code"].append(row)
                truth_cells["col_code"].append(col)
                truth_cells["value"].append(float(value))
                truth_cells["raw_text"].append(text)
    if indices:
        truth = root / "truth"
        truth.mkdir(parents=True, exist_ok=True)
        pl.DataFrame(truth_cells, schema=TRUTH_CELLS).write_parquet(truth / f"cells-{indices[0]:07d}.parquet")
    return reports


def generate(out: str | Path, spec: Spec, workers: int | None = None, progress: Progress | None = None) -> pl.DataFrame:
    """Write `spec.reports` reports under `out`/raw (by year and encoding) and their truth under
    `out`/truth; return the truth of the reports."""
    out = Path(out)
    unknown = set(spec.encodings) - set(LAYOUTS)
    if unknown:
        raise ValueError(f"no layout for encodings: {', '.join(sorted(unknown))}")
    batch = 64  # bodies a task: each task writes one truth file
    tasks = [(spec, str(out), list(range(i, min(i + batch, spec.bodies)))) for i in range(0, spec.bodies, batch)]
    reports = [r for part in map_chunks(_tasks, tasks, workers, progress, chunk=1) for r in part]
    frame = pl.DataFrame(reports, schema=TRUTH_REPORTS, orient="row").sort("source_file")
    (out / "truth").mkdir(parents=True, exist_ok=True)
    frame.write_parquet(out / "truth" / "reports.parquet")
    return frame


def _tasks(tasks: list[tuple[Spec, str, list[int]]]) -> list[list[dict]]:
    return [_generate_bodies(t) for t in tasks]


def truth_cells(out: str | Path) -> pl.LazyFrame:
    return pl.scan_parquet(str(Path(out) / "truth" / "cells-*.parquet"))


def accuracy(truth: pl.LazyFrame | pl.DataFrame, truth_reports: pl.DataFrame, facts: pl.LazyFrame | pl.DataFrame,
             reports: pl.LazyFrame | pl.DataFrame, by: Sequence[str] = ("encoding",)) -> pl.DataFrame:
    """Cells read right, by encoding (or other columns of the truth of the reports): `cells` in the
    truth, `exact` read with the true value, `wrong` read with another value, `missing` not read at
    all; `reports_exact` reports whose every cell is exact. `facts` and `reports` are the warehouse's
    (current versions); reports maps report_id to source_file."""
    ids = reports.lazy().select("report_id", "source_file")
    read = facts.lazy().join(ids, on="report_id").select("source_file", "section", "row_code", "col_code",
                                                         read=pl.col("value"))
    close = (pl.col("read") - pl.col("value")).abs() < 1e-6
    return (
        truth.lazy()
        .join(read, on=["source_file", "section", "row_code", "col_code"], how="left")
        .group_by("source_file")
        .agg(cells=pl.len(), exact=close.sum(), missing=pl.col("read").is_null().sum())
        .with_columns(wrong=pl.col("cells") - pl.col("exact") - pl.col("missing"))
        .join(truth_reports.lazy(), on="source_file", how="left")
        .group_by(*by)
        .agg(reports=pl.len(), cells=pl.col("cells").sum(), exact=pl.col("exact").sum(),
             wrong=pl.col("wrong").sum(), missing=pl.col("missing").sum(),
             reports_exact=(pl.col("exact") == pl.col("cells")).sum())
        .with_columns(accuracy=pl.col("exact") / pl.col("cells"))
        .sort(*by)
        .collect()
    )
