"""Static files under a content-versioned path, cached for a year.

Pages load ``/static/<version>/js/…`` where the version is a hash of every static file, so a
browser or CDN may keep them forever: a change of any file changes every URL. The ES modules
import each other by relative paths, which stay under the same version. The unversioned
``/static/…`` paths keep working for anything that links to them, revalidated each time.

During a rolling update, a page served by a replica of one version asks for its files under
that version, perhaps from a replica of another. Such a request for an unknown version gets
this replica's file, marked ``no-cache`` rather than immutable, so nothing keeps it under the
other version's URL: a page never breaks on a 404 in the middle of an update.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.responses import Response
from starlette.types import Scope

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


_VERSION = re.compile(r"[0-9a-f]{12}")


class CachedStaticFiles(StaticFiles):
    """StaticFiles that say how long their answers may be kept."""

    def __init__(self, *, directory: Path, cache_control: str) -> None:
        super().__init__(directory=directory)
        self.cache_control = cache_control

    def file_response(self, full_path, stat_result, scope: Scope, status_code: int = 200) -> Response:  # type: ignore[override]
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = self.cache_control
        return response


class UnversionedStaticFiles(CachedStaticFiles):
    """The plain path, which also answers for any other version than the current one."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        version, _, rest = path.partition("/")
        if _VERSION.fullmatch(version) and rest:
            path = rest
        return await super().get_response(path, scope)


def content_version(directory: Path) -> str:
    """A short hash of every file's path and bytes: it changes whenever any file does."""
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        digest.update(path.relative_to(directory).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def mount_static(app: FastAPI, directory: Path, url: str = "/static", name: str = "static") -> str:
    """Mount the versioned and the plain paths; returns the versioned prefix for templates."""
    prefix = f"{url}/{content_version(directory)}"
    app.mount(prefix, CachedStaticFiles(directory=directory, cache_control=IMMUTABLE), name=f"{name}-versioned")
    app.mount(url, UnversionedStaticFiles(directory=directory, cache_control=REVALIDATE), name=name)
    return prefix
