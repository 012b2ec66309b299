"""Cutting run-together digits into cells, where the report's own identities allow exactly one cut.

Text flattened from a web page runs the cells of a table row together after its label
(一、本年新收政府信息公开申请数量640020470). A *cut* says where each number ends. Numbers are written
without leading zeros (zero is "0"), and a space the source kept is always a boundary, so the digits
alone often allow a single cut ("000" into three cells). Where they allow several, the hard identities
of the form decide: each row's own (I3: the total is the sum of the applicant columns; T4) first, then
those across rows (I1, I2: per column), searched over all the runs of a table together, since what one
row leaves open a column sum may settle. A run is cut only when exactly one cut survives; otherwise it
stays whole and is reported. Nothing here ever picks the likeliest of several cuts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from schemas.forms import Identity, Section

from .model import Cell, Finding
from .values import UNSPLIT

RULE = "P6"  # run-together digits that no cut, or more than one, fits
# Bounds on the search, so that a pathological run costs a finding, not the run of the pipeline:
# DFS steps spent cutting one run, cuts of one run kept, and partial sums kept by the joint search.
MAX_STEPS = 100_000
MAX_CUTS = 2_000
MAX_STATES = 100_000
MANY = MAX_CUTS + 1  # the count of fitting cuts when the search gave up: "more than we looked at"


@dataclass(frozen=True)
class Run:
    """Digits that hold the cells of one or more consecutive rows (四 often gives all fifteen numbers
    of its three rows in one run). `text` is folded to ASCII; spaces in it are boundaries."""

    rows: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class Piece:
    start: int  # offsets in Run.text
    end: int
    cut: bool  # the source ran this number together with a neighbour


@dataclass(frozen=True)
class Cut:
    pieces: tuple[tuple[Piece, ...], ...] | None  # per row of the run; None unless exactly one cut fits
    fits: int  # how many cuts fit: 0, 1, or more (MANY when the search gave up)


Candidate = tuple[tuple[Piece, ...], ...]


def cut_runs(section: Section, identities: Iterable[Identity], runs: list[Run]) -> list[Cut]:
    """One Cut per run, deciding all the runs of one table together."""
    # Only the hard identities, which a clean report satisfies exactly: a soft rule (≤, a warning)
    # may fail in a correct report and must not rule a cut out.
    hard = [i for i in identities if i.section == section.code and i.relation == "=" and i.severity == "error"]
    by_row = [i for i in hard if i.over == "row"]
    by_col = [i for i in hard if i.over == "col"]
    found = [_candidates(section, by_row, run) for run in runs]
    # A run whose search gave up has an incomplete list of cuts: it must not settle any other run.
    kept = _joint(section, by_col, runs, [[] if gave_up else c for c, gave_up in found])
    cuts = []
    for (_, gave_up), survivors in zip(found, kept):
        if gave_up:
            cuts.append(Cut(None, MANY))
        elif len(survivors) == 1:
            cuts.append(Cut(survivors[0], 1))
        else:
            cuts.append(Cut(None, len(survivors)))
    return cuts


_COLUMNS: dict[int, tuple[Section, dict[str, tuple[str, ...]]]] = {}


def _columns_of(section: Section, row_code: str) -> tuple[str, ...]:
    """`section.columns_of(row_code)`, from a table made once a section (sections are constants of the
    forms, and a table's runs ask it many times)."""
    cached = _COLUMNS.get(id(section))
    if cached is None or cached[0] is not section:
        cached = _COLUMNS[id(section)] = (section, {r.code: section.columns_of(r) for r in section.rows})
    return cached[1][row_code]


# --- one run -----------------------------------------------------------------------------------------


def _chunks(text: str) -> list[tuple[int, int]]:
    out, start = [], None
    for i, ch in enumerate(text + " "):
        if ch.isspace():
            if start is not None:
                out.append((start, i))
                start = None
        elif start is None:
            start = i
    return out


def _number_ends(text: str, p: int, end: int) -> list[int]:
    """Where a number starting at p may end within text[:end]: an optional sign, 0 or digits without
    a leading zero, and an optional fraction. A number never ends right before a '.'."""
    q = p
    if q < end and text[q] in "+-":
        q += 1
    if q >= end or not text[q].isdigit():
        return []
    if text[q] == "0":
        int_ends = [q + 1]
    else:
        stop = q
        while stop < end and text[stop].isdigit():
            stop += 1
        int_ends = list(range(q + 1, stop + 1))
    ends = []
    for e in int_ends:
        if e < end and text[e] == ".":
            f = e + 1
            while f < end and text[f].isdigit():
                f += 1
                if f >= end or text[f] != ".":
                    ends.append(f)
        else:
            ends.append(e)
    return ends


def _candidates(section: Section, by_row: list[Identity], run: Run) -> tuple[list[Candidate], bool]:
    """The cuts of one run, and whether the search gave up. When the digits allow one cut only, it is
    the cut whatever the identities say (the validators report a broken identity); when they allow
    several, only those that satisfy the row identities are kept."""
    columns = [_columns_of(section, r) for r in run.rows]
    widths = [len(c) for c in columns]
    chunks = _chunks(run.text)
    if not chunks or sum(widths) == 0:
        return [], False
    digits = _Digits(run.text, chunks)  # shared by both searches: the same ends and values are asked again
    found, gave_up = _search(digits, chunks, widths, None, 2)
    if len(found) < 2 and not gave_up:
        return found, False
    checks = [_row_checks(by_row, cols) for cols in columns]
    found, gave_up = _search(digits, chunks, widths, checks, MAX_CUTS)
    return found, gave_up or len(found) >= MAX_CUTS


class _Digits:
    """The ends and values of the numbers of one run's text, each worked out once."""

    def __init__(self, text: str, chunks: list[tuple[int, int]]):
        self.text = text
        # A number starting at p ends within p's own chunk: its ends are known by p alone.
        self.chunk_end = [0] * len(text)
        for start, end in chunks:
            self.chunk_end[start:end] = [end] * (end - start)
        self.ends_at: list[list[int] | None] = [None] * len(text)
        # Integers add and compare exactly, like Decimals, and are read and summed several times faster.
        self._number = int if "." not in text else Decimal
        self._values: dict[tuple[int, int], Decimal | int] = {}

    def ends(self, p: int) -> list[int]:
        out = self.ends_at[p]
        if out is None:
            out = self.ends_at[p] = _number_ends(self.text, p, self.chunk_end[p])
        return out

    def value(self, start: int, end: int) -> Decimal | int:
        key = (start, end)
        out = self._values.get(key)
        if out is None:
            out = self._values[key] = self._number(self.text[start:end])
        return out


def _search(digits: _Digits, chunks: list[tuple[int, int]], widths: list[int],
            checks: list[list[tuple[list[int], list[int]]]] | None, limit: int):
    """Depth-first over where each number ends, checking each row as it completes against its
    `checks` (none: every cut the digits allow). Returns the cuts found (at most `limit`) and whether
    the step budget ran out first.

    A step is one end tried for one number, whether or not the rest of the run can still be filled
    after it: the budget, and so which runs are given up, does not depend on how the walk is written.
    Ends come in increasing order, so those that leave the rest of the run fillable are a prefix of
    them (and perhaps the chunk's own end, always last): the others are counted, not visited."""
    found: list[Candidate] = []
    # The walk keeps (start, end, cut) tuples and their values apart, and makes Pieces only for the
    # cuts it finds: most of the numbers it tries belong to no cut. Values are read only when rows
    # are checked.
    stack: list[tuple[int, int, bool]] = []
    numbers: list = []
    made: dict[tuple[int, int, bool], Piece] = {}
    total = sum(widths)
    # Numbers so far -> the checks of the row they complete, and where that row starts.
    completes: list[tuple[list, int] | None] = [None] * (total + 1)
    for k in range(len(widths)):
        done = sum(widths[:k + 1])
        completes[done] = (checks[k], done - widths[k]) if checks is not None else None
    n_chunks = len(chunks)
    last_chunk = n_chunks - 1
    # Characters in the chunks after chunk i: every number still to place needs one.
    after = [sum(e - s for s, e in chunks[i + 1:]) for i in range(n_chunks)]
    ends, value = digits.ends, digits.value
    checking = checks is not None
    steps = 0

    def piece(t: tuple[int, int, bool]) -> Piece:
        out = made.get(t)
        if out is None:
            out = made[t] = Piece(*t)
        return out

    def holds(row: tuple[list, int]) -> bool:
        # Summed from lists rather than generators: this is asked of every row the search completes.
        row_checks, first = row
        for lhs, rhs in row_checks:
            if sum([numbers[first + i] for i in lhs]) != sum([numbers[first + i] for i in rhs]):
                return False
        return True

    def walk(ci: int, p: int) -> bool:  # False: stop the whole search
        nonlocal steps
        n = len(stack)
        start, end = chunks[ci]
        left = total - n - 1  # numbers still to place after this one
        row = completes[n + 1]
        es = ends(p)
        # A number ending inside the chunk leaves chunks ci.. for the `left` numbers after it; one
        # ending at the chunk's end leaves chunks ci+1.. (or nothing, when ci is the last).
        inside = 0
        if n_chunks - ci <= left:
            bound = min(end - 1, end + after[ci] - left)
            for e in es:
                if e > bound:
                    break
                inside += 1
        at_end = bool(es) and es[-1] == end
        unfillable = len(es) - inside - at_end
        if at_end and not ((left == 0) if ci == last_chunk else (n_chunks - ci - 1 <= left <= after[ci])):
            at_end, unfillable = False, unfillable + 1
        moves = [(e, ci, e, True, 1) for e in es[:inside]]
        if at_end:
            moves.append((end, ci + 1, chunks[ci + 1][0] if ci < last_chunk else end, p != start, unfillable + 1))
            unfillable = 0
        for e, nxt, q, cut, cost in moves:
            steps += cost
            if steps > MAX_STEPS:
                return False
            stack.append((p, e, cut))
            numbers.append(value(p, e) if checking else None)
            if row is None or holds(row):
                if left == 0:
                    found.append(_by_rows([piece(t) for t in stack], widths))
                    if len(found) >= limit:
                        return False
                elif left == 1:
                    # The run's last number: it can only end where the last chunk does. Tried here
                    # rather than in a call of its own, since most of the walk's nodes are these.
                    last = ends(q)
                    steps += len(last)
                    if steps > MAX_STEPS:
                        return False
                    if nxt == last_chunk and last and last[-1] == end_of_run:
                        stack.append((q, end_of_run, q != chunks[nxt][0]))
                        numbers.append(value(q, end_of_run) if checking else None)
                        if last_row is None or holds(last_row):
                            found.append(_by_rows([piece(t) for t in stack], widths))
                            if len(found) >= limit:
                                return False
                        stack.pop()
                        numbers.pop()
                elif not walk(nxt, q):
                    return False
            stack.pop()
            numbers.pop()
        steps += unfillable
        return steps <= MAX_STEPS

    end_of_run = chunks[-1][1]
    last_row = completes[total]
    if not n_chunks <= total <= chunks[0][1] - chunks[0][0] + after[0]:
        return found, False
    if checking and last_row is not None and not any(completes[:total]):
        # Only the cut as a whole is checked (one row, or rows without identities before the last):
        # which ends are tried, and so the steps, do not depend on the numbers' values.
        reached = _search_by_reach(digits, chunks, after, total, last_row, limit, piece)
        if reached is not None:
            return [_by_rows(pieces, widths) for pieces in reached], False
    walk(0, chunks[0][0])
    return found, steps > MAX_STEPS


MAX_REACH = 5_000  # sums kept for one position and count of numbers before the walk is used instead


def _search_by_reach(digits: _Digits, chunks: list[tuple[int, int]], after: list[int], total: int,
                     row: tuple[list, int], limit: int, piece) -> list[list[Piece]] | None:
    """The cuts `_search` finds when only the whole cut is checked, by one identity at most, without
    walking every way to cut the run: what the rest of a run can still reach is shared by every cut
    that arrives at the same (position, numbers placed), so it is worked out once there, and only the
    ways that lead to a cut that holds are then followed, in the walk's order.

    The walk's steps depend on where numbers may end, not on their values, so they are counted the
    same way; None when they exceed the budget (the walk then gives up where it always did), or when
    what to keep grows too large, or the numbers are not integers (Decimal sums round past 28 digits,
    and the walk sums each side before comparing): the walk decides those."""
    row_checks, first = row
    if len(row_checks) > 1 or digits._number is not int:
        return None
    coef = [0] * total  # the identity as sum(coef[i] * number i) == 0
    for lhs, rhs in row_checks:
        for i in lhs:
            coef[first + i] += 1
        for i in rhs:
            coef[first + i] -= 1
    n_chunks, last_chunk = len(chunks), len(chunks) - 1
    chunk_at = {}
    for ci, (start, end) in enumerate(chunks):
        chunk_at[end] = (ci, start)
    ends, value, chunk_end = digits.ends, digits.value, digits.chunk_end

    moves_at: dict[tuple[int, int], tuple[int, list[tuple[int, int, bool]]]] = {}

    def moves(p: int, n: int) -> tuple[int, list[tuple[int, int, bool]]]:
        """How many ends `walk` tries for the number at p after n numbers, and those it follows:
        (end, where the next number starts, whether the number is cut from its chunk)."""
        key = (p, n)
        out = moves_at.get(key)
        if out is None:
            end = chunk_end[p]
            ci, start = chunk_at[end]
            left = total - n - 1
            es = ends(p)
            bound = min(end - 1, end + after[ci] - left) if n_chunks - ci <= left else -1
            follow = [(e, e, True) for e in es if e <= bound]
            if es and es[-1] == end and ((left == 0) if ci == last_chunk else (n_chunks - ci - 1 <= left <= after[ci])):
                follow.append((end, chunks[ci + 1][0] if ci < last_chunk else end, p != start))
            out = moves_at[key] = (len(es), follow)
        return out

    steps_at: dict[tuple[int, int], int] = {}

    def steps(p: int, n: int) -> int:
        key = (p, n)
        out = steps_at.get(key)
        if out is None:
            tried, follow = moves(p, n)
            out = tried
            if n + 1 < total:
                for _, q, _ in follow:
                    out += steps(q, n + 1)
                    if out > MAX_STEPS:
                        break
            steps_at[key] = out
        return out

    start = chunks[0][0]
    if steps(start, 0) > MAX_STEPS:
        return None

    reach_at: dict[tuple[int, int], set | None] = {}

    def reach(p: int, n: int) -> set | None:
        """sum(coef[i] * number i) over the numbers n… of every way to finish the cut from p."""
        key = (p, n)
        out = reach_at.get(key)
        if out is None and key not in reach_at:
            c, out = coef[n], set()
            for e, q, _ in moves(p, n)[1]:
                v = c * value(p, e)
                if n + 1 == total:
                    out.add(v)
                    continue
                rest = reach(q, n + 1)
                if rest is None:
                    return None
                out.update([v + r for r in rest] if v else rest)
                if len(out) > MAX_REACH:
                    reach_at[key] = None
                    return None
            reach_at[key] = out
        return out

    if reach(start, 0) is None:
        return None
    found: list[list[Piece]] = []
    path: list[Piece] = []

    def follow(p: int, n: int, so_far) -> bool:  # False: enough found
        c = coef[n]
        for e, q, cut in moves(p, n)[1]:
            now = so_far + c * value(p, e)
            if n + 1 == total:
                if now == 0:
                    found.append([*path, piece((p, e, cut))])
                    if len(found) >= limit:
                        return False
                continue
            rest = reach_at[(q, n + 1)]  # set by reach() for every position a cut can go through
            if rest is not None and -now in rest:
                path.append(piece((p, e, cut)))
                if not follow(q, n + 1, now):
                    return False
                path.pop()
        return True

    follow(start, 0, 0)
    return found


def _by_rows(pieces: list[Piece], widths: list[int]) -> Candidate:
    out, i = [], 0
    for w in widths:
        out.append(tuple(pieces[i:i + w]))
        i += w
    return tuple(out)


def _value(text: str, piece: Piece) -> Decimal:
    return Decimal(text[piece.start:piece.end])


def _row_checks(identities: list[Identity], columns: tuple[str, ...]) -> list[tuple[list[int], list[int]]]:
    """The row identities that name only columns of the row, as positions in it (left, right)."""
    at = {c: i for i, c in enumerate(columns)}
    return [([at[c] for c in identity.lhs], [at[c] for c in identity.rhs]) for identity in identities
            if all(c in at for c in identity.lhs + identity.rhs)]


# --- all the runs of a table together -----------------------------------------------------------------


def _joint(section: Section, by_col: list[Identity], runs: list[Run], candidates: list[list[Candidate]]):
    """For each run, the candidates that belong to some choice of one candidate per run under which the
    column identities hold. An identity is used only where every row it names has a run that fits at
    all; a column of it that no choice can satisfy is one the report itself breaks, so it is set aside
    (the validators report it) rather than allowed to veto every cut."""
    where = {row for run, cands in zip(runs, candidates) if cands for row in run.rows}
    dims = [(ident, col) for ident in by_col if set(ident.lhs + ident.rhs) <= where
            for col in _shared_columns(section, ident)]
    if not dims:
        return candidates
    vectors = []
    for run, cands in zip(runs, candidates):
        plan = _plan(run, dims, [_columns_of(section, row) for row in run.rows])  # once a run
        vectors.append([_contribution(run.text, cand, plan) for cand in cands])
    every = list(range(len(dims)))
    feasible = _feasible(vectors, every)
    if feasible is not None and not _solved(feasible):
        usable = [d for d in every if (alone := _feasible(vectors, [d])) is not None and _solved(alone)]
        feasible = _feasible(vectors, usable) if usable else None
        if feasible is not None and not _solved(feasible):
            feasible = None
    if feasible is None:
        return candidates  # undecided by the columns: each run stands on its own identities
    return [[c for c, ok in zip(cands, feasible[i]) if ok] for i, cands in enumerate(candidates)]


def _solved(feasible: list[list[bool]]) -> bool:
    """Some choice satisfies the identities: then every run with candidates keeps at least one."""
    return all(any(f) for f in feasible if f)


def _shared_columns(section: Section, identity: Identity) -> list[str]:
    rows = identity.lhs + identity.rhs
    return [c.code for c in section.columns if all(c.code in _columns_of(section, r) for r in rows)]


def _plan(run: Run, dims, columns: list[tuple[str, ...]]) -> list[list[tuple[int, int, int]]]:
    """Per column identity: the cells of the run it adds (1) and takes (-1), in the identity's order,
    as (sign, row in the run, column in the row). The same for every candidate of the run."""
    at = {(row, col): (i, j) for i, (row, cols) in enumerate(zip(run.rows, columns)) for j, col in enumerate(cols)}
    plan = []
    for ident, col in dims:
        terms = [(1, *at[(r, col)]) for r in ident.lhs if (r, col) in at]
        terms += [(-1, *at[(r, col)]) for r in ident.rhs if (r, col) in at]
        plan.append(terms)
    return plan


def _contribution(text: str, cand: Candidate, plan: list[list[tuple[int, int, int]]]) -> tuple[Decimal, ...]:
    out = []
    for terms in plan:
        s = Decimal(0)
        for sign, i, j in terms:
            if sign > 0:
                s += _value(text, cand[i][j])
            else:
                s -= _value(text, cand[i][j])
        out.append(s)
    return tuple(out)


def _feasible(vectors: list[list[tuple[Decimal, ...]]], dims: list[int]) -> list[list[bool]] | None:
    """Which candidates of each run take part in a choice whose contributions sum to zero on `dims`;
    None when the partial sums grow past MAX_STATES (undecided)."""
    proj = [[tuple(v[d] for d in dims) for v in vs] for vs in vectors]
    active = [i for i, vs in enumerate(proj) if vs and any(any(x) for x in vs)]
    zero = tuple(Decimal(0) for _ in dims)
    forward = [{zero}]
    for i in active:
        nxt = {tuple(a + b for a, b in zip(f, v)) for f in forward[-1] for v in proj[i]}
        if len(nxt) > MAX_STATES:
            return None
        forward.append(nxt)
    backward = [{zero}]
    for i in reversed(active):
        nxt = {tuple(a + b for a, b in zip(f, v)) for f in backward[-1] for v in proj[i]}
        if len(nxt) > MAX_STATES:
            return None
        backward.append(nxt)
    backward.reverse()  # backward[j]: sums of the runs active[j:]
    out = [[True] * len(vs) for vs in vectors]
    for j, i in enumerate(active):
        after = backward[j + 1]
        out[i] = [any(tuple(-(a + b) for a, b in zip(f, v)) in after for f in forward[j]) for v in proj[i]]
    return out


# --- runs that stay whole --------------------------------------------------------------------------------


def unsplit_cells(section: Section, row_code: str, run_cells: list, encoding: str) -> tuple[list[Cell], list[Finding]]:
    """The cells of a row whose digits could not be cut: every column NULL with the whole run as its
    raw text and the `unsplit` flag, and one finding that quotes the run and its line."""
    parts = [c for c in run_cells if UNSPLIT in c.flags]
    raw, line = " ".join(c.text for c in parts), parts[0].line
    columns = section.columns_of(row_code)
    cells = [Cell(section.code, row_code, col, None, section.column(col).unit, raw, line, (UNSPLIT,), encoding)
             for col in columns]
    finding = Finding(
        RULE, "warning",
        f"连写的数字“{raw}”无法按表的勾稽关系唯一拆分为{len(columns)}个单元格（无解或多解），未予拆分",
        f"run-together digits {raw!r} cannot be split into {len(columns)} cells in exactly one way that the "
        "identities allow (none or several fit); kept whole",
        section.code, row_code, None, None, None, raw, line)
    return cells, [finding]
