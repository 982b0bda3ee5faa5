"""Answers that are pure functions of their query are cached safely: tags that follow the code and the encoding."""

from __future__ import annotations

import re

import pytest

from app.api import caching
from app.api.static_files import IMMUTABLE

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


def test_docs_assets_are_versioned_and_cached_for_a_year(client) -> None:
    page = client.get("/docs").text
    bundles = re.findall(r'"(/docs-assets/[0-9a-f]{12}/swagger-ui-bundle\.js)"', page)
    assert bundles, "the docs page should load Swagger UI from a versioned path"
    versioned = client.get(bundles[0])
    assert versioned.status_code == 200 and versioned.headers["cache-control"] == IMMUTABLE
    plain = client.get("/docs-assets/swagger-ui-bundle.js")
    assert plain.status_code == 200 and plain.headers["cache-control"] == "no-cache"
    again = client.get("/docs-assets/swagger-ui-bundle.js", headers={"If-None-Match": plain.headers["etag"]})
    assert again.status_code == 304


@pytest.mark.parametrize("prefix", ["/static", "/docs-assets"])
def test_another_versions_files_are_served_but_not_kept(client, prefix) -> None:
    """A page of the version before or after a rolling update asks this replica for its files."""
    name = "js/state.js" if prefix == "/static" else "swagger-ui.css"
    other = client.get(f"{prefix}/0123456789ab/{name}")
    assert other.status_code == 200, f"{prefix}: {other.status_code}"
    assert other.content == client.get(f"{prefix}/{name}").content
    assert other.headers["cache-control"] == "no-cache", other.headers["cache-control"]
    assert client.get(f"{prefix}/0123456789ab/no-such-file.js").status_code == 404
