"""The pages' copy of the API's limits (static/js/limits.js) says what app/api/limits.py says.

The pages size their editors by these numbers; a limit changed on one side only would let an
editor grow past what the API accepts, or stop short of it.
"""

from __future__ import annotations

import re
from pathlib import Path

from app.api import limits

LIMITS_JS = Path(__file__).resolve().parents[2] / "static" / "js" / "limits.js"


def test_every_limit_the_pages_use_is_the_apis() -> None:
    declared = dict(re.findall(r"^export const (MAX_\w+) = (\d+);", LIMITS_JS.read_text(), re.MULTILINE))
    assert len(declared) >= 9, f"found only {sorted(declared)} in {LIMITS_JS}"
    differing = {name: (int(value), getattr(limits, name, None)) for name, value in declared.items()
                 if int(value) != getattr(limits, name, None)}
    assert differing == {}, f"limits.js vs app/api/limits.py (page, API): {differing}"
