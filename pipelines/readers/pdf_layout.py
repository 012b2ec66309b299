"""Page geometry to text and tables, for the PDF reader: pure functions over characters and ruling
lines with positions, each stage testable alone (the stages of pdfplumber's table finder).

    chars → lines of words            (`text_lines`: grouped by baseline, one space a gap)
    edges → intersections → cells     (`intersections`, `cells`: the rectangles the rules close)
    cells → tables                    (`tables`: cells that share corners, with rows and columns)

Coordinates are PDF points measured from the page's top-left corner: `top` grows down the page.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import cached_property

# Two rule ends or crossings this close are one point: rules drawn as thin rectangles meet at their
# centres, and producers round coordinates.
SNAP = 3.0
# A character belongs to the line above when its middle lies above the line's lowest character's
# bottom less this share of that character's height: lines set with no leading stay apart.
SAME_LINE = 0.25
# A gap wider than this share of the font size between two characters is a space.
WORD_GAP = 0.25
MIN_EDGE = 3.0  # rules shorter than this are ticks or dots, not table rules
# The characters of a number: digits and what a number is written with. Two of them one after the other,
# neither apart nor overlapping by more than this share of their height, are one number (digits are
# set edge to edge).
NUMBER_CHARS = frozenset("0123456789.,%-")
NUMBER_GAP = 0.1


@dataclass(frozen=True, slots=True)
class Char:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float  # font size, in points
    space_before: bool = False  # the PDF wrote a space before it (a gap narrower than WORD_GAP)

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True, slots=True)
class Edge:
    """A ruling line: horizontal ('h', at `top` == `bottom`) or vertical ('v', at `x0` == `x1`)."""

    orientation: str
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass(frozen=True, slots=True)
class Box:
    x0: float
    top: float
    x1: float
    bottom: float

    def holds(self, char: Char) -> bool:
        x = (char.x0 + char.x1) / 2
        return self.x0 <= x < self.x1 and self.top <= char.middle < self.bottom


@dataclass
class TextLine:
    """Characters on one baseline, left to right, and the text they make with one space a gap."""

    chars: list[Char] = field(default_factory=list)

    @property
    def top(self) -> float:
        return min(c.top for c in self.chars)

    @property
    def bottom(self) -> float:
        return max(c.bottom for c in self.chars)

    @property
    def text(self) -> str:
        out: list[str] = []
        previous: Char | None = None
        for char in self.chars:
            if previous is not None and (char.space_before or char.x0 - previous.x1 > WORD_GAP * max(char.size, previous.size)):
                out.append(" ")
            out.append(char.text)
            previous = char
        return " ".join("".join(out).split())


# --- text ----------------------------------------------------------------------------------------------


def text_lines(chars: list[Char]) -> list[TextLine]:
    """Characters grouped into lines by baseline, top to bottom, each line's characters left to right.
    A character joins the line whose vertical extent holds its middle; a line of a vertical label (one
    character a line) is a line of its own."""
    lines: list[TextLine] = []
    bottom = float("-inf")
    for char in sorted(chars, key=lambda c: (c.middle, c.x0)):
        if lines and char.middle < bottom:
            lines[-1].chars.append(char)
            bottom = max(bottom, char.bottom - SAME_LINE * (char.bottom - char.top) / 2)
            continue
        lines.append(TextLine([char]))
        bottom = char.bottom - SAME_LINE * (char.bottom - char.top) / 2
    for line in lines:
        line.chars.sort(key=lambda c: c.x0)
    return [line for line in lines if line.text]


def number_runs(chars: list[Char]) -> list[list[Char]]:
    """The numbers of more than one character, each as its characters left to right: runs of number
    characters on one line with no gap between them."""
    runs: list[list[Char]] = []
    for line in text_lines(chars):
        run: list[Char] = []
        for char in line.chars:
            if char.text not in NUMBER_CHARS:
                run = []
                continue
            # A gap, or characters drawn over each other (two texts that collide), ends a number.
            # Measured against the characters' height: a producer's font size may be in other units.
            if run and (char.space_before or abs(char.x0 - run[-1].x1) > NUMBER_GAP * (char.bottom - char.top)):
                run = []
            run.append(char)
            if len(run) == 2:
                runs.append(run)
    return runs


def join_lines(texts: list[str]) -> str:
    """The lines of a cell as one text: wrapped Chinese runs on without a space ("商业企" + "业"), other
    text with one."""
    out = ""
    for text in texts:
        if out and text:
            out += "" if _wide(out[-1]) and _wide(text[0]) else " "
        out += text
    return out


def _wide(char: str) -> bool:
    return ord(char) > 0x2E7F  # CJK punctuation, ideographs and full-width forms


# --- rules and cells -----------------------------------------------------------------------------------


def merge_edges(edges: list[Edge]) -> list[Edge]:
    """Rules snapped to a common position and joined where they touch or overlap: a table's border drawn
    in pieces, one a cell, is one rule."""
    merged: list[Edge] = []
    for orientation in ("h", "v"):
        pos = (lambda e: e.top) if orientation == "h" else (lambda e: e.x0)
        start = (lambda e: e.x0) if orientation == "h" else (lambda e: e.top)
        end = (lambda e: e.x1) if orientation == "h" else (lambda e: e.bottom)
        group: list[Edge] = []
        for edge in sorted((e for e in edges if e.orientation == orientation), key=pos):
            if group and pos(edge) - pos(group[0]) > SNAP:
                merged += _join(group, orientation, pos, start, end)
                group = []
            group.append(edge)
        if group:
            merged += _join(group, orientation, pos, start, end)
    return [e for e in merged if (e.x1 - e.x0 if e.orientation == "h" else e.bottom - e.top) >= MIN_EDGE]


def _join(group: list[Edge], orientation: str, pos, start, end) -> list[Edge]:
    at = sum(pos(e) for e in group) / len(group)
    spans: list[list[float]] = []
    for edge in sorted(group, key=start):
        if spans and start(edge) <= spans[-1][1] + SNAP:
            spans[-1][1] = max(spans[-1][1], end(edge))
        else:
            spans.append([start(edge), end(edge)])
    if orientation == "h":
        return [Edge("h", a, b, at, at) for a, b in spans]
    return [Edge("v", at, at, a, b) for a, b in spans]


def intersections(edges: list[Edge]) -> set[tuple[float, float]]:
    """Points (x, top) where a vertical rule crosses or meets a horizontal one."""
    horizontal = [e for e in edges if e.orientation == "h"]
    points = set()
    for v in (e for e in edges if e.orientation == "v"):
        for h in horizontal:
            if h.x0 - SNAP <= v.x0 <= h.x1 + SNAP and v.top - SNAP <= h.top <= v.bottom + SNAP:
                points.add((v.x0, h.top))
    return points


def cells(points: set[tuple[float, float]], edges: list[Edge]) -> list[Box]:
    """The smallest rectangles whose four corners are crossings and whose four sides are ruled: for each
    crossing as a top-left corner, the nearest crossing to its right and below that closes a box."""
    # Crossings stand exactly at a rule's position (merged rules have one each): rules are looked up by it.
    horizontal: dict[float, list[Edge]] = {}
    vertical: dict[float, list[Edge]] = {}
    for e in edges:
        if e.orientation == "h":
            horizontal.setdefault(e.top, []).append(e)
        else:
            vertical.setdefault(e.x0, []).append(e)

    def h_ruled(y: float, a: float, b: float) -> bool:
        return any(e.x0 - SNAP <= a and b <= e.x1 + SNAP for e in horizontal.get(y, ()))

    def v_ruled(x: float, a: float, b: float) -> bool:
        return any(e.top - SNAP <= a and b <= e.bottom + SNAP for e in vertical.get(x, ()))

    by_row: dict[float, list[float]] = {}
    by_col: dict[float, list[float]] = {}
    for x, y in points:
        by_row.setdefault(y, []).append(x)
        by_col.setdefault(x, []).append(y)
    for xs in by_row.values():
        xs.sort()
    for ys in by_col.values():
        ys.sort()
    found = []
    for x, y in sorted(points, key=lambda p: (p[1], p[0])):
        box = _close(x, y, by_row, by_col, points, h_ruled, v_ruled)
        if box is not None:
            found.append(box)
    return found


def _close(x, y, by_row, by_col, points, h_ruled, v_ruled) -> Box | None:
    rights = [r for r in by_row[y] if r > x]
    belows = [b for b in by_col[x] if b > y]
    for below in belows:
        if not v_ruled(x, y, below):
            break
        for right in rights:
            if not h_ruled(y, x, right):
                break
            if (right, below) in points and h_ruled(below, x, right) and v_ruled(right, y, below):
                return Box(x, y, right, below)
    return None


@dataclass
class GridTable:
    """Ruled cells grouped into one table, with the grid lines that give each cell its row and column."""

    boxes: list[Box]
    xs: list[float]  # column boundaries, left to right
    ys: list[float]  # row boundaries, top to bottom

    @property
    def bbox(self) -> Box:
        return Box(self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])

    def place(self, box: Box) -> tuple[int, int, int, int]:
        """(row, col, rowspan, colspan) of a cell in the grid."""
        row, col = _index(self.ys, box.top), _index(self.xs, box.x0)
        return row, col, max(1, _index(self.ys, box.bottom) - row), max(1, _index(self.xs, box.x1) - col)

    @cached_property
    def _at(self) -> dict[tuple[int, int], Box]:
        at = {}
        for box in self.boxes:
            row, col, rowspan, colspan = self.place(box)
            for r in range(row, row + rowspan):
                for c in range(col, col + colspan):
                    at[(r, c)] = box
        return at

    def box_of(self, char: Char) -> Box | None:
        """The cell that holds a character, found by its grid position rather than by trying each."""
        col = bisect_right(self.xs, (char.x0 + char.x1) / 2) - 1
        row = bisect_right(self.ys, char.middle) - 1
        box = self._at.get((row, col))
        return box if box is not None and box.holds(char) else None


def _index(bounds: list[float], at: float) -> int:
    """The grid line nearest `at` (within SNAP, else the first one after it)."""
    return bisect_left(bounds, at - SNAP)


def tables(boxes: list[Box]) -> list[GridTable]:
    """Cells that touch (share a corner) are one table; tables top to bottom."""
    parent = list(range(len(boxes)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    corners: dict[tuple[int, int], int] = {}
    for i, box in enumerate(boxes):
        for corner in ((box.x0, box.top), (box.x1, box.top), (box.x0, box.bottom), (box.x1, box.bottom)):
            key = (round(corner[0] / SNAP), round(corner[1] / SNAP))
            for dx in (-1, 0, 1):
                for dy in (-1, 0, 1):
                    j = corners.get((key[0] + dx, key[1] + dy))
                    if j is not None:
                        parent[find(i)] = find(j)
            corners[key] = i
    groups: dict[int, list[Box]] = {}
    for i, box in enumerate(boxes):
        groups.setdefault(find(i), []).append(box)
    found = [grid_of(group) for group in groups.values()]
    return sorted(found, key=lambda t: (t.ys[0], t.xs[0]))


def grid_of(boxes: list[Box]) -> GridTable:
    return GridTable(boxes, merge_positions([b.x0 for b in boxes] + [b.x1 for b in boxes]),
                     merge_positions([b.top for b in boxes] + [b.bottom for b in boxes]))


def merge_positions(values: list[float]) -> list[float]:
    """Distinct positions, those within SNAP of each other taken as one."""
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > SNAP:
            out.append(v)
    return out

