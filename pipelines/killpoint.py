"""Named points where a test can have a run killed, as the OOM killer or a reboot would kill it.

`GONGKAI_KILL_AT=<point>` (or `<point>:<n>`, the n-th time the point is reached in a process, 1 by
default) makes the process that reaches it send SIGKILL to its whole process group: no clean-up, no
`finally`, no flush, as in real life. Unset, a point costs one dictionary lookup.
"""

from __future__ import annotations

import os
import signal
from collections import Counter

ENV = "GONGKAI_KILL_AT"
_reached: Counter[str] = Counter()


def kill_point(name: str) -> None:
    wanted = os.environ.get(ENV)
    if not wanted:
        return
    point, _, nth = wanted.partition(":")
    if point != name:
        return
    _reached[name] += 1
    if _reached[name] == int(nth or 1):
        os.killpg(os.getpgrp(), signal.SIGKILL)
