"""GET with the share-link query: same answer as POST, a strong ETag, 304, and clear 422s."""

from __future__ import annotations

import pytest

from app.gallery import SECTIONS

CASES = [
    (
        "/api/v1/conv2d",
        "input=1,2,3;4,5,6;7,8,9&kernel=1,2;3,4&grad_output=1,2;-1,1&step=4",
        {"input": [[1, 2, 3], [4, 5, 6], [7, 8, 9]], "kernel": [[1, 2], [3, 4]], "grad_output": [[1, 2], [-1, 1]]},
    ),
    (
        "/api/v1/conv2d",
        "input=1,2;3,4|0,1;1,0&kernel=1;2|0;1/1;1|1;1&bias=0.5,-1&stride=1,2&padding=1,0,0,1&mode=convolution",
        {
            "input": [[[1, 2], [3, 4]], [[0, 1], [1, 0]]],
            "kernel": [[[[1], [2]], [[0], [1]]], [[[1], [1]], [[1], [1]]]],
            "bias": [0.5, -1],
            "stride": [1, 2],
            "padding": [1, 0, 0, 1],
            "mode": "convolution",
        },
    ),
    ("/api/v1/conv2d", "input=5&kernel=2&bias=1", {"input": [[5]], "kernel": [[2]], "bias": 1}),
    (
        "/api/v1/pool",
        "input=1,3;2,8&mode=max&size=2&ties=split",
        {"input": [[1, 3], [2, 8]], "mode": "max", "size": 2, "ties": "split"},
    ),
    # The activation page reads `-1,0,2` as one row, and so does its GET twin.
    ("/api/v1/activation", "input=-1,0,2&function=relu", {"input": [[-1, 0, 2]], "function": "relu"}),
    (
        "/api/v1/rnn",
        "x=1;2&y=0;1&U=1&W=0.5&V=1&hidden_activation=tanh",
        {"x": [[1], [2]], "y": [[0], [1]], "U": [[1]], "W": [[0.5]], "V": [[1]], "hidden_activation": "tanh"},
    ),
]


@pytest.mark.parametrize(("path", "query", "body"), CASES)
def test_get_answers_what_post_answers_with_a_strong_etag(client, path, query, body) -> None:
    got = client.get(f"{path}?{query}")
    assert got.status_code == 200, got.text
    assert got.json() == client.post(path, json=body).json()
    etag = got.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert "immutable" in got.headers["cache-control"] and "public" in got.headers["cache-control"]
    again = client.get(f"{path}?{query}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag


def test_a_network_link_is_its_request(client) -> None:
    """A network's layers are written as their types, and each one's fields by their path."""
    from app.gallery.network import EXAMPLES

    for example in EXAMPLES:
        got = client.get(f"/api/v1/network?{example.href.split('?', 1)[1]}")
        assert got.status_code == 200, got.text
        assert got.json() == client.post("/api/v1/network", json=example.request).json()
    bad = client.get("/api/v1/network?input=1&layers=relu&layers[3].x=1&target=1")
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "layers[3].x"


def test_different_inputs_have_different_tags(client) -> None:
    one = client.get("/api/v1/conv2d?input=1,2&kernel=1").headers["etag"]
    two = client.get("/api/v1/conv2d?input=1,3&kernel=1").headers["etag"]
    assert one != two
    stale = client.get("/api/v1/conv2d?input=1,3&kernel=1", headers={"If-None-Match": one})
    assert stale.status_code == 200


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ("input=1,2;3&kernel=1", "input", "same length"),
        ("input=x&kernel=1", "input", "expected a number"),
        ("input=nan&kernel=1", "input", "finite"),
        ("input=1e400&kernel=1", "input", "finite"),
        ("input=1&kernel=1&stride=0", "stride", "from 1"),
        ("kernel=1", "input", "required"),
        ("input=1&kernel=1&strid=2", "strid", "not a field"),
        ("input=1&kernel=1&mode=flip", "mode", ""),
    ],
)
def test_bad_queries_get_a_422_naming_the_field(client, query, field, words) -> None:
    response = client.get(f"/api/v1/conv2d?{query}")
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert any(d["field"] == field and words in d["msg"] for d in detail), detail
    assert "etag" not in response.headers


@pytest.mark.parametrize("text", ["1_000", "١٢", "１２", "1e1_0", "0x10", "1,000_0", " 1 2 "])
def test_only_ascii_numbers_are_numbers_in_a_link(client, text) -> None:
    """int() and float() take underscores and other scripts' digits; a JSON body cannot hold them."""
    response = client.get("/api/v1/conv2d", params={"input": text, "kernel": "1"})
    assert response.status_code == 422, response.text[:300]
    assert response.json()["detail"][0]["field"] == "input" and "expected a number" in response.text


@pytest.mark.parametrize(("text", "value"), [("-1.5e2", -150.0), ("+2", 2.0), (".5", 0.5), ("3.", 3.0), ("−4", -4.0)])
def test_numbers_as_the_pages_write_them_are_read(client, text, value) -> None:
    response = client.get("/api/v1/conv2d", params={"input": text, "kernel": "1"})
    assert response.status_code == 200, response.text[:300]
    assert response.json()["output"] == [[value]]


def test_a_whole_number_too_long_for_python_is_refused_not_a_500(client) -> None:
    response = client.get("/api/v1/conv2d?input=1&kernel=1&stride=1" + "0" * 5000)
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "stride", response.text[:300]


def test_a_very_long_query_gets_a_clear_answer(client) -> None:
    row = ",".join(["1"] * 64)
    query = "input=" + ";".join([row] * 64) + "&kernel=" + ";".join([",".join(["1"] * 7)] * 7)
    assert client.get(f"/api/v1/conv2d?{query}").status_code == 200
    too_big = "input=" + ";".join([row] * 65) + "&kernel=1"
    response = client.get(f"/api/v1/conv2d?{too_big}")
    assert response.status_code == 422 and "at most 64" in response.json()["detail"][0]["msg"]


def test_check_answers_from_a_link_what_its_post_answers(client) -> None:
    """The problem's fields are written as its page writes them, beside kind, result and answer."""
    query = (
        "kind=conv&result=grad_input&answer=4,11,6;-2,6,5;-2,1,1"
        "&input=1,2,3;4,5,6;7,8,9&kernel=1,2;3,4&grad_output=1,2;-1,1&step=3"
    )
    got = client.get(f"/api/v1/check?{query}")
    assert got.status_code == 200, got.text
    body = {
        "kind": "conv",
        "problem": {"input": [[1, 2, 3], [4, 5, 6], [7, 8, 9]], "kernel": [[1, 2], [3, 4]], "grad_output": [[1, 2], [-1, 1]]},
        "result": "grad_input",
        "answer": [[4, 11, 6], [-2, 6, 5], [-2, 1, 1]],
    }
    assert got.json() == client.post("/api/v1/check", json=body).json()
    assert [d["id"] for d in got.json()["diagnoses"]] == ["kernel_not_rotated"]
    assert client.get(f"/api/v1/check?{query}", headers={"If-None-Match": got.headers["etag"]}).status_code == 304


def test_a_check_link_reads_a_lone_number_or_row_as_the_result_it_answers(client) -> None:
    one = client.get("/api/v1/check?kind=conv&result=output&answer=2&input=1&kernel=2")
    assert one.status_code == 200 and one.json()["all_correct"]
    row = client.get("/api/v1/check?kind=conv&result=output&answer=2,4&input=1,2&kernel=2")
    assert row.status_code == 200 and row.json()["all_correct"]
    wrong = client.get("/api/v1/check?kind=conv&result=output&answer=1,2,3&input=1,2&kernel=2")
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["field"] == "answer"
    unknown = client.get("/api/v1/check?kind=nope&result=output&answer=1")
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["field"] == "kind"


ENDPOINT_OF_PAGE = {"/conv": "/api/v1/conv2d", "/activation": "/api/v1/activation", "/pool": "/api/v1/pool",
                    "/network": "/api/v1/network", "/rnn": "/api/v1/rnn"}
GALLERY = [(section.page, example) for section in SECTIONS for example in section.examples]


@pytest.mark.parametrize(("page", "example"), GALLERY, ids=[f"{page}-{example.slug}" for page, example in GALLERY])
def test_every_gallery_link_gets_from_the_api_what_its_request_posts(client, page, example) -> None:
    """The link the home page opens a page with stands for the request the card shows, byte for byte."""
    path, query = example.href.split("?", 1)
    assert path == page
    got = client.get(f"{ENDPOINT_OF_PAGE[page]}?{query}")
    posted = client.post(ENDPOINT_OF_PAGE[page], json=example.request)
    assert got.status_code == posted.status_code == 200, (got.text[:300], posted.text[:300])
    assert got.content == posted.content
