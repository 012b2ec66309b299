"""The digit-cutting search is written for speed: it must find the same cuts, in the same order, and
give up on the same runs, as the plain depth-first walk below that tries every end of every number in
turn. Compared on random runs, rows and identities, with budgets small enough to run out."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines import splitting
from pipelines.splitting import Piece, _by_rows, _chunks, _Digits, _search


def reference_search(text, chunks, widths, checks, limit, max_steps):
    """Every end of every number tried in turn, each counted as a step; a row checked as it completes."""
    found, stack, steps = [], [], 0
    total = sum(widths)
    completes = {sum(widths[:k + 1]): k for k in range(len(widths))}
    n_chunks = len(chunks)
    after = [sum(e - s for s, e in chunks[i + 1:]) for i in range(n_chunks)]

    def fillable(ci, p, numbers_left):
        if ci == n_chunks:
            return numbers_left == 0
        return n_chunks - ci <= numbers_left <= chunks[ci][1] - p + after[ci]

    def walk(ci, p):
        nonlocal steps
        n = len(stack)
        if n == total:
            found.append(_by_rows([Piece(s, e, c) for s, e, c, _ in stack], widths))
            return len(found) < limit
        start, end = chunks[ci]
        k = completes.get(n + 1)
        for e in splitting._number_ends(text, p, end):
            steps += 1
            if steps > max_steps:
                return False
            nxt, q = (ci + 1, chunks[ci + 1][0] if ci + 1 < n_chunks else end) if e == end else (ci, e)
            if not fillable(nxt, q, total - n - 1):
                continue
            stack.append((p, e, not (p == start and e == end), Decimal(text[p:e]) if checks else None))
            if checks is None or k is None or holds(checks[k], [t[3] for t in stack[n + 1 - widths[k]:]]):
                if not walk(nxt, q):
                    return False
            stack.pop()
        return True

    if fillable(0, chunks[0][0], total):
        walk(0, chunks[0][0])
    return found, steps > max_steps


def holds(checks, numbers) -> bool:
    return all(sum(numbers[i] for i in lhs) == sum(numbers[i] for i in rhs) for lhs, rhs in checks)


# Digits with the zeros, signs, points and spaces that make runs hard to cut.
runs = st.text(alphabet="0000111223456789 .-", min_size=1, max_size=22).filter(lambda t: t.strip())
widths = st.lists(st.integers(0, 7), min_size=1, max_size=3).filter(lambda w: sum(w) > 0)


def _checks(width: int, seed: int) -> list[tuple[list[int], list[int]]]:
    """A row identity over a row of `width` numbers: the last is the sum of some of the others."""
    if width < 2:
        return []
    picked = [i for i in range(width - 1) if (seed >> i) & 1] or [0]
    return [([width - 1], picked)]


@settings(max_examples=400, deadline=None)
@given(text=runs, widths=widths, seed=st.integers(0, 127), limit=st.sampled_from([1, 2, 5, 2000]),
       max_steps=st.sampled_from([3, 17, 60, 400, 100_000]), checked=st.booleans())
def test_the_search_finds_what_trying_every_end_finds(text, widths, seed, limit, max_steps, checked):
    chunks = _chunks(text)
    if not chunks:
        return
    checks = [_checks(w, seed + k) for k, w in enumerate(widths)] if checked else None
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(splitting, "MAX_STEPS", max_steps)
        got = _search(_Digits(text, chunks), chunks, widths, checks, limit)
    assert got == reference_search(text, chunks, widths, checks, limit, max_steps)


def test_a_run_of_a_row_of_seven_with_its_total_has_the_cuts_of_the_plain_walk():
    text = "64183021928651783"  # from the corpus: three cuts fit 自然人 … 总计
    checks = [[([6], [0, 1, 2, 3, 4, 5])]]
    chunks = _chunks(text)
    found, gave_up = _search(_Digits(text, chunks), chunks, [7], checks, splitting.MAX_CUTS)
    assert (found, gave_up) == reference_search(text, chunks, [7], checks, splitting.MAX_CUTS, splitting.MAX_STEPS)
    assert len(found) == 3 and not gave_up
    for cut in found:
        numbers = [Decimal(text[p.start:p.end]) for p in cut[0]]
        assert numbers[6] == sum(numbers[:6])


# One row checked as a whole is cut by what the rest of the run can reach, not by the walk: runs of
# integers long enough for many cuts, with budgets and limits that cut the search short.
integer_runs = st.text(alphabet="000011122345678+- ", min_size=1, max_size=30).filter(lambda t: t.strip())


@settings(max_examples=400, deadline=None)
@given(text=integer_runs, width=st.integers(1, 8), seed=st.integers(0, 127),
       limit=st.sampled_from([1, 2, 3, 2000]), max_steps=st.sampled_from([10, 200, 5_000, 100_000]),
       max_reach=st.sampled_from([3, 5_000]))
def test_a_row_checked_as_a_whole_has_the_cuts_of_the_plain_walk(text, width, seed, limit, max_steps, max_reach):
    chunks = _chunks(text)
    if not chunks:
        return
    checks = [_checks(width, seed)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(splitting, "MAX_STEPS", max_steps)
        patch.setattr(splitting, "MAX_REACH", max_reach)
        got = _search(_Digits(text, chunks), chunks, [width], checks, limit)
    assert got == reference_search(text, chunks, [width], checks, limit, max_steps)
