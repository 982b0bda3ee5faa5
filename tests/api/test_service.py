"""What an operator relies on: CORS on the API only, metrics, access logs, the version."""

from __future__ import annotations

import json
import re

import pytest

from app import __version__
from app.api.static_files import content_version
from app.settings import get_settings


def test_cors_is_open_on_the_api_for_get_and_post(client) -> None:
    preflight = client.options(
        "/api/v1/conv2d", headers={"Origin": "https://notebook.example", "Access-Control-Request-Method": "POST"}
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert set(preflight.headers["access-control-allow-methods"].split(", ")) == {"GET", "POST"}
    answer = client.get("/api/v1/conv2d?input=1&kernel=1", headers={"Origin": "https://notebook.example"})
    assert answer.headers["access-control-allow-origin"] == "*"
    assert "etag" in answer.headers["access-control-expose-headers"].lower()


def test_cors_stays_closed_on_pages(client) -> None:
    page = client.get("/", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in page.headers


def test_metrics_count_requests_by_route_and_status_class(client) -> None:
    client.post("/api/v1/conv2d", json={"input": [[1]], "kernel": [[1]]})
    client.post("/api/v1/conv2d", json={"input": [[1]]})
    text = client.get("/metrics").text
    assert 'route="/api/v1/conv2d",status="200",status_class="2xx"' in text
    assert 'route="/api/v1/conv2d",status="422",status_class="4xx"' in text
    assert "backprop_explorer_request_duration_seconds_bucket" in text


def test_each_request_is_one_json_log_line_without_the_query(client, capfd) -> None:
    capfd.readouterr()
    client.get("/api/v1/conv2d?input=123456789&kernel=1")
    entries = [json.loads(line) for line in capfd.readouterr().out.splitlines() if line.startswith("{")]
    assert len(entries) == 1
    entry = entries[0]
    assert entry["path"] == "/api/v1/conv2d" and entry["status"] == 200 and entry["duration_ms"] >= 0
    assert "123456789" not in json.dumps(entry)


def test_healthz_reports_the_version(client) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "version": __version__}


def test_a_wrong_method_names_every_allowed_one(client) -> None:
    response = client.put("/api/v1/conv2d")
    assert response.status_code == 405 and response.headers["allow"] == "GET, POST"
    assert "GET, POST" in response.json()["detail"][0]["msg"]


def test_large_answers_are_compressed_for_clients_that_accept_gzip(client) -> None:
    body = {"input": [[float(i + j) for j in range(32)] for i in range(32)], "kernel": [[1, 2], [3, 4]]}
    plain = client.post("/api/v1/conv2d", json=body, headers={"Accept-Encoding": "identity"})
    zipped = client.post("/api/v1/conv2d", json=body, headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in plain.headers
    assert zipped.headers["content-encoding"] == "gzip" and zipped.json() == plain.json()


def test_pages_load_versioned_static_files_cached_for_a_year(client) -> None:
    page = client.get("/conv").text
    scripts = re.findall(r'(/static/[0-9a-f]{12}/[^"]+\.js)', page)
    assert scripts, "the page should load its scripts from a versioned path"
    answer = client.get(scripts[0])
    assert answer.status_code == 200 and answer.headers["cache-control"] == "public, max-age=31536000, immutable"
    unversioned = client.get("/static/css/app.css")
    assert unversioned.status_code == 200 and unversioned.headers["cache-control"] == "no-cache"


def test_the_static_version_changes_with_any_file(tmp_path) -> None:
    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "a.js").write_text("export const a = 1;")
    before = content_version(tmp_path)
    assert content_version(tmp_path) == before
    (tmp_path / "js" / "a.js").write_text("export const a = 2;")
    assert content_version(tmp_path) != before


@pytest.mark.parametrize(
    "path", ["/", "/conv", "/worksheet", "/healthz", "/api/v1/conv2d?input=1,2;3,4&kernel=1", "/api/v1/exercise?kind=pool&seed=3"]
)
def test_head_answers_what_get_answers_without_the_body(client, path) -> None:
    got, head = client.get(path), client.head(path)
    assert head.status_code == 200 and head.content == b"", (head.status_code, head.content[:100])
    assert head.headers["content-length"] == got.headers["content-length"]
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers.get("etag") == got.headers.get("etag")


def test_answers_given_before_routing_have_their_own_metrics_label(client) -> None:
    client.options("/api/v1/pool", headers={"Origin": "https://notebook.example", "Access-Control-Request-Method": "POST"})
    client.post("/api/v1/pool", content=b"1" * (get_settings().max_body_bytes + 1))
    client.get("/docs-assets/swagger-ui.css")
    client.head("/healthz")
    client.request("BREW", "/healthz")
    text = client.get("/metrics").text
    assert 'method="OPTIONS",route="preflight",status="200"' in text
    assert 'method="POST",route="rejected:413",status="413"' in text
    assert 'method="GET",route="/docs-assets",status="200"' in text
    assert 'method="HEAD",route="/healthz",status="200"' in text
    assert 'method="other",route="/healthz",status="405"' in text
    assert "BREW" not in text


def test_the_schema_documents_the_body_cap(client) -> None:
    schema = client.get("/openapi.json").json()
    cap = "2 MiB (2097152 bytes)"
    assert get_settings().max_body_bytes == 2 * 1024 * 1024
    assert f"at most {cap}" in schema["info"]["description"] and "413" in schema["info"]["description"]
    posts = {path: item["post"] for path, item in schema["paths"].items() if "post" in item}
    assert len(posts) == 6, sorted(posts)
    for path, operation in posts.items():
        assert cap in operation["responses"]["413"]["description"], (path, operation["responses"].get("413"))
