"""The numbers Word writes before numbered paragraphs ("一、", "（二）", "3."), which are in no run of
the paragraph: they come from word/numbering.xml, by the paragraph's own numbering or its style's.

Reports number their headings and the labels of their tables this way as often as they type the
numbers, and the numbers are part of what a person reads. Counting follows Word: each list (w:num)
counts each level (lists made from one abstract list count as one, unless one restarts with
w:startOverride); a level counting on resets the levels below it; a level starts at its w:start,
or at the list's w:startOverride. Bullets are no text of the report and are left out.
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

_CHINESE_DIGITS = "零一二三四五六七八九"
_LEGAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_TEN_STEMS = "甲乙丙丁戊己庚辛壬癸"
_TWELVE_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"


def chinese(n: int, digits: str = _CHINESE_DIGITS, ten: str = "十") -> str:
    """1 → 一, 10 → 十, 15 → 十五, 21 → 二十一, 105 → 一百零五 (counting as Word's chineseCounting)."""
    if n <= 0:
        return str(n)
    if n >= 1000:
        return str(n)
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = f"{digits[hundreds]}百" if hundreds else ""
    if tens:
        out += ("" if tens == 1 and not hundreds else digits[tens]) + ten
    elif hundreds and ones:
        out += digits[0]
    return out + (digits[ones] if ones else "")


def _letters(n: int) -> str:
    """1 → a, 26 → z, 27 → aa (Word repeats the letter)."""
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else str(n)


def _roman(n: int) -> str:
    out = ""
    for value, numeral in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
                           (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out += numeral
            n -= value
    return out


def _cycle(symbols: str):
    return lambda n: symbols[(n - 1) % len(symbols)] if n > 0 else str(n)


FORMATS = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "decimalFullWidth": lambda n: str(n).translate({ord(d): 0xFF10 + int(d) for d in "0123456789"}),
    "decimalHalfWidth": str,
    "chineseCounting": chinese,
    "chineseCountingThousand": chinese,
    "ideographDigital": lambda n: "".join(_CHINESE_DIGITS[int(d)] for d in str(n)),
    "chineseLegalSimplified": lambda n: chinese(n, _LEGAL_DIGITS, "拾"),
    "ideographTraditional": _cycle(_TEN_STEMS),
    "ideographZodiac": _cycle(_TWELVE_BRANCHES),
    "decimalEnclosedCircle": lambda n: _CIRCLED[n - 1] if 0 < n <= len(_CIRCLED) else str(n),
    "decimalEnclosedCircleChinese": lambda n: _CIRCLED[n - 1] if 0 < n <= len(_CIRCLED) else str(n),
    "decimalEnclosedParen": lambda n: chr(0x2474 + n - 1) if 0 < n <= 20 else f"({n})",
    "decimalEnclosedFullstop": lambda n: chr(0x2488 + n - 1) if 0 < n <= 20 else f"{n}.",
    "lowerLetter": _letters,
    "upperLetter": lambda n: _letters(n).upper(),
    "lowerRoman": _roman,
    "upperRoman": lambda n: _roman(n).upper(),
    "none": lambda n: "",
}


class Level:
    __slots__ = ("start", "fmt", "text", "suffix")

    def __init__(self, start: int, fmt: str, text: str, suffix: str) -> None:
        self.start, self.fmt, self.text, self.suffix = start, fmt, text, suffix


class Numbering:
    """The lists of one document, and the counts reached while its paragraphs are read in order."""

    def __init__(self, numbering: ET.Element | None, styles: ET.Element | None, w: str) -> None:
        self.w = w
        self.val = f"{w}val"
        abstract: dict[str, dict[int, Level]] = {}
        self.lists: dict[str, dict[int, Level]] = {}
        self.counter: dict[str, str] = {}  # numId -> whose counts it continues
        if numbering is not None:
            for element in numbering.iter(f"{w}abstractNum"):
                abstract[element.get(f"{w}abstractNumId")] = self._levels(element)
            for element in numbering.iter(f"{w}num"):
                num_id = element.get(f"{w}numId")
                base = element.find(f"{w}abstractNumId")
                base_id = base.get(self.val) if base is not None else None
                levels = dict(abstract.get(base_id, {}))
                self.counter[num_id] = f"abstract:{base_id}"
                for override in element.iter(f"{w}lvlOverride"):
                    self.counter[num_id] = f"num:{num_id}"
                    ilvl = self._int(override.get(f"{w}ilvl"), 0)
                    defined = override.find(f"{w}lvl")
                    if defined is not None:
                        levels[ilvl] = self._level(defined)
                    start = override.find(f"{w}startOverride")
                    if start is not None and ilvl in levels:
                        old = levels[ilvl]
                        levels[ilvl] = Level(self._int(start.get(self.val), 1), old.fmt, old.text, old.suffix)
                self.lists[num_id] = levels
        self.style_numbers = self._style_numbers(styles) if styles is not None else {}
        self.counts: dict[str, dict[int, int]] = {}

    def _int(self, value: str | None, default: int) -> int:
        try:
            return int(value) if value is not None else default
        except ValueError:
            return default

    def _levels(self, element: ET.Element) -> dict[int, Level]:
        return {self._int(lvl.get(f"{self.w}ilvl"), 0): self._level(lvl) for lvl in element.iter(f"{self.w}lvl")}

    def _level(self, lvl: ET.Element) -> Level:
        w = self.w

        def val(tag: str, default: str) -> str:
            element = lvl.find(f"{w}{tag}")
            value = element.get(self.val) if element is not None else None
            return default if value is None else value

        return Level(self._int(val("start", "1"), 1), val("numFmt", "decimal"), val("lvlText", ""),
                     val("suff", "tab"))

    def _style_numbers(self, styles: ET.Element) -> dict[str, tuple[str | None, int | None]]:
        """Each paragraph style's numbering (numId, ilvl), its own or inherited through basedOn."""
        w = self.w
        own: dict[str, tuple[str | None, int | None]] = {}
        based: dict[str, str] = {}
        for style in styles.iter(f"{w}style"):
            sid = style.get(f"{w}styleId")
            num_pr = style.find(f"{w}pPr/{w}numPr")
            if num_pr is not None:
                own[sid] = self._num_pr(num_pr)
            parent = style.find(f"{w}basedOn")
            if parent is not None:
                based[sid] = parent.get(self.val)
        resolved = {}
        for sid in set(own) | set(based):
            seen, at = set(), sid
            while at is not None and at not in own and at not in seen:
                seen.add(at)
                at = based.get(at)
            if at in own:
                resolved[sid] = own[at]
        return resolved

    def _num_pr(self, num_pr: ET.Element) -> tuple[str | None, int | None]:
        num_id = num_pr.find(f"{self.w}numId")
        ilvl = num_pr.find(f"{self.w}ilvl")
        return (num_id.get(self.val) if num_id is not None else None,
                self._int(ilvl.get(self.val), 0) if ilvl is not None else None)

    def label(self, p_pr: ET.Element | None) -> str:
        """The number of the paragraph with these properties, counted on; "" for one not numbered."""
        if p_pr is None or (not self.lists):
            return ""
        num_id, ilvl = None, None
        style = p_pr.find(f"{self.w}pStyle")
        if style is not None:
            num_id, ilvl = self.style_numbers.get(style.get(self.val), (None, None))
        num_pr = p_pr.find(f"{self.w}numPr")
        if num_pr is not None:
            own_id, own_lvl = self._num_pr(num_pr)
            num_id = own_id if own_id is not None else num_id
            ilvl = own_lvl if own_lvl is not None else ilvl
        levels = self.lists.get(num_id) if num_id not in (None, "0") else None
        if not levels:
            return ""
        ilvl = ilvl or 0
        level = levels.get(ilvl)
        if level is None:
            return ""
        counts = self.counts.setdefault(self.counter[num_id], {})
        counts[ilvl] = counts.get(ilvl, level.start - 1) + 1
        for deeper in [k for k in counts if k > ilvl]:
            del counts[deeper]
        if level.fmt == "bullet":
            return ""
        text = level.text
        for k in range(9):
            placeholder = f"%{k + 1}"
            if placeholder in text:
                at = levels.get(k)
                n = counts.get(k, at.start if at else 1)
                text = text.replace(placeholder, FORMATS.get(at.fmt if at else "decimal", str)(n))
        return text + ("" if level.suffix == "nothing" or not text else " ")
