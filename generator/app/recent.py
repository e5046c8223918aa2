"""The campaigns a person opened or made in the web workspace, newest first, kept in their
configuration folder (``$XDG_CONFIG_HOME/vanban/gan-day.json``, else ``~/.config/…``) so
that the start page offers them again.

Only folders the person chose are listed (made from an example or a kit, or opened with
``vanban serve --data``), and a folder is offered only while it still holds a campaign.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from ..config import store

FILE = "gan-day.json"
KEPT = 12


@dataclass(frozen=True)
class Recent:
    data: Path
    out: Path
    name: str          # the issuer and the plan, as the start page shows it
    opened: str        # ISO time

    @property
    def folder(self) -> Path:
        """The campaign's own folder: the one that holds its data folder."""
        return self.data.parent


def config_file() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "vanban" / FILE


def is_campaign(data: Path) -> bool:
    return (data / "chien-dich.yaml").is_file()


def read() -> list[Recent]:
    """The campaigns listed, newest first, those whose folder is gone left out."""
    try:
        raw = json.loads(config_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    out = []
    for item in raw if isinstance(raw, list) else []:
        try:
            recent = Recent(Path(item["data"]), Path(item["out"]), str(item.get("name", "")),
                            str(item.get("opened", "")))
        except (KeyError, TypeError):
            continue
        if is_campaign(recent.data):
            out.append(recent)
    return out


def remember(data: Path, out: Path, name: str) -> None:
    """``data`` (built into ``out``) opened now: first of the list. A list that cannot be
    written is not an error (the campaign still opens)."""
    data, out = data.resolve(), out.resolve()
    kept = [r for r in read() if r.data != data]
    items = [{"data": str(data), "out": str(out), "name": name, "opened": store.now_iso()}]
    items += [{"data": str(r.data), "out": str(r.out), "name": r.name, "opened": r.opened}
              for r in kept[: KEPT - 1]]
    path = config_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(items, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass


def known(data: Path) -> Recent | None:
    """The listed campaign whose data folder is ``data`` (as a page names it), if any."""
    try:
        wanted = data.resolve()
    except (OSError, RuntimeError):
        return None
    return next((r for r in read() if r.data == wanted), None)
