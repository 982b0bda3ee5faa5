"""Where the app's own files are: the package, and the static files and templates it serves."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def asset_dir(name: str) -> Path:
    """`static/` or `templates/`: inside the package when installed, beside it in a checkout."""
    packaged = PACKAGE_DIR / name
    return packaged if packaged.is_dir() else PACKAGE_DIR.parent / name
