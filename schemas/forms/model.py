"""The vocabulary in which a report form is described.

A form version is plain data: sections, their rows and columns with Chinese and English labels, the
label variants real reports use, and the identities a clean report satisfies. The parser matches labels
against it, the validators evaluate its identities, and the data dictionary is printed from it, so a
label or a code is written down exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Unit = Literal["件", "元"]


@dataclass(frozen=True)
class Column:
    code: str
    label_zh: str
    label_en: str
    unit: Unit = "件"
    # Label variants seen in real reports, besides label_zh. Matching normalises width, brackets,
    # spaces and numbering first, so only wording differences need listing here.
    synonyms: tuple[str, ...] = ()
    signed: bool = False
    # For money: the unit a bare number is in. "万元" when the header says so (the 2021 fee column);
    # "元" with an `assumed_unit` flag when nothing says (the 2019 procurement column).
    default_money_unit: Literal["元", "万元"] | None = None
    default_unit_assumed: bool = False

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.label_zh, *self.synonyms)


@dataclass(frozen=True)
class Row:
    code: str
    label_zh: str
    label_en: str
    synonyms: tuple[str, ...] = ()
    # The columns of this row when they differ from the section's (the 主动公开 tables).
    columns: tuple[str, ...] | None = None
    # The heading a row sits under (（三）不予公开 …), used to tell "3.其他" in one group from another.
    group: str | None = None

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.label_zh, *self.synonyms)


@dataclass(frozen=True)
class Identity:
    """sum(lhs) == sum(rhs), evaluated once per column (over="col", lhs/rhs are row codes) or once
    per row (over="row", lhs/rhs are column codes)."""

    rule: str
    section: str
    over: Literal["row", "col"]
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    description_zh: str
    description_en: str
    # "=" for the hard rules; "<=" where the form only bounds one side (sum(lhs) ≤ sum(rhs)).
    relation: Literal["=", "<="] = "="
    # "error" for the hard rules a clean report satisfies; "warning" for the soft ones.
    severity: Literal["error", "warning"] = "error"


@dataclass(frozen=True)
class Continuity:
    """A soft rule across years for the same body: this year's `current` = last year's `previous`
    + this year's `plus` − this year's `minus`, evaluated once per column (over="col", the codes are
    row codes) or once per row (over="row", the codes are column codes). A body may restate last
    year's numbers, so a break is a warning."""

    rule: str
    section: str
    over: Literal["row", "col"]
    current: str
    previous: str
    description_zh: str
    description_en: str
    plus: tuple[str, ...] = ()
    minus: tuple[str, ...] = ()
    severity: Literal["error", "warning"] = "warning"


@dataclass(frozen=True)
class Section:
    code: str
    number: str  # 二 / 三 / 四
    title_zh: str
    title_en: str
    rows: tuple[Row, ...]
    columns: tuple[Column, ...]
    groups: dict[str, str] = field(default_factory=dict)  # group code -> heading label
    groups_en: dict[str, str] = field(default_factory=dict)  # group code -> heading in English

    def row(self, code: str) -> Row:
        return next(r for r in self.rows if r.code == code)

    def column(self, code: str) -> Column:
        return next(c for c in self.columns if c.code == code)

    def columns_of(self, row: Row | str) -> tuple[str, ...]:
        r = self.row(row) if isinstance(row, str) else row
        return r.columns if r.columns is not None else tuple(c.code for c in self.columns)


@dataclass(frozen=True)
class FormVersion:
    code: str
    title: str
    report_years: str
    sections: tuple[Section, ...]
    identities: tuple[Identity, ...]
    # Labels found only in this version: they tell the versions apart, whatever year a report claims.
    markers: tuple[str, ...]
    # Soft rules (warnings) within one report, kept apart from the hard `identities` that a clean
    # report satisfies exactly (and that may be used to split run-together digits).
    soft_identities: tuple[Identity, ...] = ()
    # Soft rules across years (this report against the same body's report of the year before).
    continuities: tuple[Continuity, ...] = ()

    def section(self, code: str) -> Section:
        return next(s for s in self.sections if s.code == code)

    def cells(self):
        """Every (section, row, column) the form has, in the form's order."""
        for s in self.sections:
            for r in s.rows:
                for c in s.columns_of(r):
                    yield s.code, r.code, c
