"""Where the bundled example campaigns and templates are, and where templates are looked for:
a module of its own (the standard library only), so that what only needs them — ``vanban new
--mau``, the no-op build answered from its stamp (``quick``) — does not load the engine."""

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


def template_dirs(data_dir: Path) -> list[Path]:
    """Where templates are looked for, first match wins: the campaign's own ``templates/``
    inside the data folder, ``templates/`` beside it, then the bundled templates."""
    return [data_dir / "templates", data_dir.parent / "templates", BUNDLED_TEMPLATES]
