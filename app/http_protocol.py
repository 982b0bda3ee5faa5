"""The server's HTTP/1.1 protocol: uvicorn's httptools one, with room for long share links.

A page's whole state lives in its URL, and the largest a page can write (the network page's
link to a layer with an 8×64×64 input and its gradient, at full precision) passes a megabyte.
uvicorn's httptools protocol refuses any request target longer than 65,535 bytes: it hands the
target to ``httptools.parse_url``, whose C parser keeps offsets in 16 bits (``MAX_URL_LENGTH``
in httptools/parser/url_parser.pyx), and answers the error with a bare plain-text
``400 Invalid HTTP request received.`` before the app sees the request.

This protocol splits such a target at its ``?`` itself and hands the app the query whole, up to
:data:`MAX_URL_BYTES` (the longest URL Chromium sends, and the body cap); a longer target gets a
JSON ``414`` naming the URL, as soon as it passes the limit rather than after it is all read.
"""

from __future__ import annotations

import json

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

MAX_URL_BYTES = 2 * 1024 * 1024
_PARSE_URL_LIMIT = (1 << 16) - 1  # httptools.parse_url's own limit


class _UrlTooLong(Exception):
    pass


class HttpProtocol(HttpToolsProtocol):
    """``backprop-explorer``'s protocol (``uvicorn --http app.http_protocol:HttpProtocol``)."""

    url_too_long = False  # set when the request target passed MAX_URL_BYTES; the connection then closes

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        if len(self.url) > MAX_URL_BYTES:
            self._refuse_url()

    def on_headers_complete(self) -> None:
        if len(self.url) <= _PARSE_URL_LIMIT or not self.url.startswith(b"/"):
            super().on_headers_complete()
            return
        path, _, query = self.url.partition(b"?")
        if len(path) > _PARSE_URL_LIMIT:
            self._refuse_url()
        self.url = path
        super().on_headers_complete()
        # The request's task has been created but not yet run: it reads the scope with the whole query.
        self.scope["query_string"] = query.partition(b"#")[0]

    def _refuse_url(self) -> None:
        """Stop parsing: httptools raises from its feed, and uvicorn calls send_400_response."""
        self.url_too_long = True
        raise _UrlTooLong

    def send_400_response(self, msg: str) -> None:
        if not self.url_too_long:
            super().send_400_response(msg)
            return
        body = json.dumps(
            {
                "detail": [
                    {
                        "type": "url_too_long",
                        "loc": ["query"],
                        "msg": f"query: the URL is longer than the {MAX_URL_BYTES} bytes this server reads",
                        "field": "query",
                    }
                ]
            }
        ).encode()
        head = [b"HTTP/1.1 414 URI Too Long\r\n"]
        head += [name + b": " + value + b"\r\n" for name, value in self.server_state.default_headers]
        head += [
            b"content-type: application/json\r\n",
            b"x-content-type-options: nosniff\r\n",
            b"content-length: " + str(len(body)).encode() + b"\r\n",
            b"connection: close\r\n",
            b"\r\n",
        ]
        self.transport.write(b"".join(head) + body)
        self.transport.close()
