"""Answers that are pure functions of their query are cached safely: tags that follow the code and the encoding."""

from __future__ import annotations

import pytest

from app.api import caching

EXERCISE = "/api/v1/exercise?kind=conv&seed=42&difficulty=medium"
# Large enough to be compressed (the gzip middleware leaves answers under 1 KiB alone).
LARGE_GET = "/api/v1/conv2d?input=" + ";".join(",".join(str(i + j) for j in range(12)) for i in range(12)) + "&kernel=1,2;3,4"


def test_exercises_carry_a_strong_etag_and_answer_304(client) -> None:
    first = client.get(EXERCISE)
    assert first.status_code == 200, first.text
    etag = first.headers["etag"]
    assert etag.startswith('"') and first.headers["cache-control"] == caching.CACHE_CONTROL
    again = client.get(EXERCISE, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    reordered = client.get("/api/v1/exercise?difficulty=medium&seed=42&kind=conv")
    assert reordered.headers["etag"] == etag, "the same query in another order is the same answer"
    other = client.get("/api/v1/exercise?kind=conv&seed=43&difficulty=medium")
    assert other.headers["etag"] != etag


def test_the_tag_follows_the_code_not_only_the_version(monkeypatch, tmp_path) -> None:
    (tmp_path / "engine.py").write_text("ANSWER = 1\n")
    before = caching.source_fingerprint(tmp_path)
    (tmp_path / "engine.py").write_text("ANSWER = 2\n")
    assert caching.source_fingerprint(tmp_path) != before
    tag = caching.answer_etag("/api/v1/conv2d", {"input": "1", "kernel": "1"})
    monkeypatch.setattr(caching, "code_fingerprint", lambda: "another build")
    assert caching.answer_etag("/api/v1/conv2d", {"input": "1", "kernel": "1"}) != tag


@pytest.mark.parametrize("path", [LARGE_GET, "/static/js/state.js"])
def test_gzip_and_identity_answers_have_different_strong_tags(client, path) -> None:
    plain = client.get(path, headers={"Accept-Encoding": "identity"})
    zipped = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in plain.headers and zipped.headers["content-encoding"] == "gzip"
    identity_tag, gzip_tag = plain.headers["etag"], zipped.headers["etag"]
    assert gzip_tag == identity_tag[:-1] + '-gzip"', (identity_tag, gzip_tag)
    for tag, encoding in ((gzip_tag, "gzip"), (identity_tag, "identity"), (identity_tag, "gzip")):
        revalidated = client.get(path, headers={"Accept-Encoding": encoding, "If-None-Match": tag})
        assert revalidated.status_code == 304, f"{tag} with {encoding}: {revalidated.status_code}"
        assert revalidated.headers["etag"] == tag, "a 304 names the representation the client holds"
    stale = client.get(path, headers={"Accept-Encoding": "gzip", "If-None-Match": '"0000"'})
    assert stale.status_code == 200 and stale.headers["etag"] == gzip_tag
