"""The key under which the reports of one body are matched across years.

A body writes its own name a little differently from year to year: full-width or ASCII, with spaces,
with other brackets, or with the long or the short form of the same suffix (人民政府/政府,
管理委员会/管委会, 办公室/办). The key folds exactly those differences, so that two different bodies
never share a key because of it.
"""

from __future__ import annotations

import re

from .text import normalise

# "人民政府" and "政府" name the same government wherever they stand in a name.
_ANYWHERE = (("人民政府", "政府"),)
# Long form -> short form of the last word of a name, longest first so that 管理委员会 is not read
# as 管理 + 委员会.
_SUFFIXES = (
    ("街道办事处", "街道"),
    ("管理委员会", "管委会"),
    ("委员会", "委"),
    ("办公室", "办"),
)
# "(本级)" / "本级": the body's own report as opposed to its whole area; the same body either way.
_OWN_LEVEL = re.compile(r"\(?本级\)?$")
# A government is named by its area alone as often as in full: 宜丰县 / 宜丰县人民政府.
_AREA_GOVERNMENT = re.compile(r"(?<=[省市县区旗盟州镇乡])政府$")


def agency_key(name: str) -> str:
    key = normalise(name).replace("[", "(").replace("]", ")")
    key = _OWN_LEVEL.sub("", key)
    for long, short in _ANYWHERE:
        key = key.replace(long, short)
    for long, short in _SUFFIXES:
        if key.endswith(long):
            key = key[: -len(long)] + short
            break
    return _AREA_GOVERNMENT.sub("", key)
