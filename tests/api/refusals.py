"""How a refused request reads: a 422 whose first message names the field it is about."""

from __future__ import annotations

from httpx import Response


def assert_refused(response: Response, field: str, words: str) -> None:
    """`response` is a 422 whose first message is about `field`: it starts with the field's name
    and says `words`."""
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert detail[0]["field"] == field, detail
    assert words in detail[0]["msg"] and detail[0]["msg"].startswith(field), detail
