"""Where the bundled example campaigns and templates are: a module of its own, so that a
command that only needs their names (``vanban new --mau``) does not load the engine."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent  # generator/
REPO = PACKAGE.parent


def _bundled(name: str) -> Path:
    """The example campaign or the templates: inside the package once installed from a wheel
    (``setup.py`` puts them in ``bundled/``), else the repository's own folder."""
    inside = PACKAGE / "bundled" / name
    return inside if inside.is_dir() else REPO / name


BUNDLED_DATA = _bundled("data")
BUNDLED_TEMPLATES = _bundled("templates")
EXAMPLES = {"dang": BUNDLED_DATA,                                            # văn bản của Đảng
            "nha-nuoc": _bundled("examples") / "ubnd-van-hoa-cong-vu"}      # văn bản nhà nước
