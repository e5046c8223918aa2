"""What several page modules share: the confirmation said after a change (post, redirect,
get: the page the browser lands on says what was done), and paging through long lists."""

from __future__ import annotations

import secrets
import threading
from functools import lru_cache
from collections import OrderedDict
from dataclasses import dataclass
from math import ceil
from urllib.parse import urlencode

from starlette.responses import RedirectResponse

NOTE = "tb"          # the query parameter naming the confirmation to show
PAGE_SIZE = 50


class Notes:
    """Confirmations waiting for the page a change redirects to: each said by a short key in
    the address (never the words themselves), the last few hundred kept."""

    def __init__(self, kept: int = 500):
        self._said: OrderedDict[str, tuple[str, str]] = OrderedDict()
        self._kept = kept
        self._lock = threading.Lock()

    def add(self, text: str, kind: str = "ok") -> str:
        key = secrets.token_urlsafe(6)
        with self._lock:
            self._said[key] = (text, kind)
            while len(self._said) > self._kept:
                self._said.popitem(last=False)
        return key

    def get(self, key: str | None) -> tuple[str, str] | None:
        if not key:
            return None
        with self._lock:
            return self._said.get(key)


def notes_of(site) -> Notes:
    notes = getattr(site, "notes", None)
    if notes is None:
        notes = site.notes = Notes()
        site.pages.globals["notes"] = notes
    return notes


def done(site, url: str, text: str, kind: str = "ok") -> RedirectResponse:
    """Redirect (303) to ``url``, which then says ``text``."""
    key = notes_of(site).add(text, kind)
    anchor = ""
    if "#" in url:
        url, anchor = url.split("#", 1)
        anchor = "#" + anchor
    joiner = "&" if "?" in url else "?"
    return RedirectResponse(f"{url}{joiner}{NOTE}={key}{anchor}", 303)


@dataclass
class Paging:
    """One page of a long list, and the addresses of the others."""

    items: list
    page: int
    pages: int
    total: int
    query: dict

    def url(self, path: str, page: int) -> str:
        params = {k: v for k, v in self.query.items() if v and k != "trang"}
        if page > 1:
            params["trang"] = str(page)
        return path + ("?" + urlencode(params) if params else "")

    @property
    def first(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.page * PAGE_SIZE, self.total)


def paged(items: list, request, size: int = PAGE_SIZE, page: int | None = None) -> Paging:
    """The page of ``items`` the address asks for (``?trang=``), or ``page``."""
    if page is None:
        try:
            page = max(1, int(request.query_params.get("trang", "1")))
        except ValueError:
            page = 1
    pages = max(1, ceil(len(items) / size))
    page = min(page, pages)
    return Paging(items[(page - 1) * size: page * size], page, pages, len(items),
                  dict(request.query_params))


@lru_cache(maxsize=50_000)
def fold(text: str) -> str:
    """A text as a search compares it: lower case, no tone marks, «đ» as «d», words apart."""
    from ..app.form import slug

    return " " + slug(text, 10_000).replace("-", " ") + " "


def matches(words: str, *texts: str) -> bool:
    """Whether every word searched for is in one of ``texts`` (case, tone marks and «đ»
    ignored: «so tai chinh» finds «Sở Tài chính»)."""
    wanted = fold(words).split()
    haystack = "".join(fold(t) for t in texts if t)
    return all(w in haystack for w in wanted)
