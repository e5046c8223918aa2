"""Who may talk to the workspace, and what a request may touch.

- The server listens on 127.0.0.1 only, and a request whose ``Host`` is not a loopback name
  is refused (a web page elsewhere cannot reach it through DNS rebinding).
- Every request carries the access token printed at start: in the address once (``?token=``,
  after which the page keeps it as a cookie), or as the header ``X-Vanban-Token`` (scripts).
- A change asked by a page (cookie) also carries the CSRF token of the page, as the form
  field ``csrf`` or the header ``X-CSRF-Token``; a change from another origin is refused.
- A path from a request names a file under the out folder and nothing else.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import Headers

COOKIE = "vanban_token"      # + the port: cookies are not kept apart by port, two campaigns
                             # served side by side on one computer must not share one


def cookie_name(scope) -> str:
    server = scope.get("server") or ("", 0)
    return f"{COOKIE}_{server[1]}"
HEADER = "x-vanban-token"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf"
LOOPBACK = {"127.0.0.1", "localhost", "[::1]"}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def new_token() -> str:
    return secrets.token_urlsafe(24)


def csrf_for(token: str) -> str:
    return hmac.new(token.encode(), b"vanban-csrf", hashlib.sha256).hexdigest()[:32]


def loopback_host(host: str) -> bool:
    """``127.0.0.1:8765`` or ``localhost`` …: a name that can only mean this computer."""
    host = host.strip().lower()
    if host.startswith("["):
        name = host[: host.find("]") + 1] if "]" in host else host
    else:
        name = host.rsplit(":", 1)[0] if ":" in host else host
    return name in LOOPBACK


def _same(a: str | None, b: str) -> bool:
    return a is not None and hmac.compare_digest(a.encode(), b.encode())


class Guard:
    """ASGI middleware: the Host check, the token and the origin of changes, before any
    route runs. Sets ``scope["vanban.via"]`` to how the token came (``cookie``/``header``)."""

    def __init__(self, app, token: str):
        self.app = app
        self.token = token

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            return await self.app(scope, receive, send)
        if scope["type"] != "http":
            return
        headers = Headers(scope=scope)
        api = scope["path"].startswith("/api/")
        if not loopback_host(headers.get("host", "")):
            return await _deny(send, 403, api, "Địa chỉ máy chủ không hợp lệ",
                               "vanban chỉ trả lời khi được mở bằng địa chỉ 127.0.0.1 hoặc "
                               "localhost trên chính máy này.")
        raw = scope.get("raw_path") or scope["path"].encode()
        if any(bad in raw.lower() for bad in (b"%2f", b"%5c", b"%00", b"\\")):
            return await _deny(send, 400, api, "Đường dẫn không hợp lệ",
                               "Đường dẫn có ký tự không được phép.")
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        cookies = _cookies(headers.get("cookie", ""))
        if _same(query.get("token"), self.token):
            if scope["method"] == "GET" and not api:
                # the address printed at start: keep the token as a cookie, drop it from the bar
                rest = urlencode([(k, v) for k, v in query.items() if k != "token"])
                return await _redirect(send, same_site(scope["path"]) + ("?" + rest if rest else ""),
                                       cookie_name(scope), self.token)
            scope["vanban.via"] = "header"
        elif _same(headers.get(HEADER), self.token):
            scope["vanban.via"] = "header"
        elif _same(cookies.get(cookie_name(scope)), self.token):
            scope["vanban.via"] = "cookie"
        else:
            given = query.get("token") or headers.get(HEADER) or cookies.get(cookie_name(scope))
            return await _deny(send, 403 if given else 401, api, "Cần mã truy cập",
                               "Hãy mở đúng địa chỉ mà lệnh «vanban serve» in ra (có phần "
                               "?token=…). Mã truy cập đổi mỗi lần chạy lại vanban serve.")
        if scope["method"] in UNSAFE and scope["vanban.via"] == "cookie":
            origin = headers.get("origin")
            # «null» (a page with no referrer) still needs the CSRF token below
            if origin and origin != "null" and not loopback_host(origin.split("://", 1)[-1]):
                return await _deny(send, 403, api, "Yêu cầu bị từ chối",
                                   "Yêu cầu thay đổi đến từ một trang khác.")
            if _same(headers.get(CSRF_HEADER), csrf_for(self.token)):
                scope["vanban.csrf"] = True  # else the route checks the form's field
        return await self.app(scope, receive, send)


def csrf_ok(scope, token: str, field: str | None) -> bool:
    """Whether a change may go on: asked by a script with the token, or by a page whose
    header or form field carries its CSRF token."""
    return (scope.get("vanban.via") == "header" or scope.get("vanban.csrf") is True
            or _same(field, csrf_for(token)))


def _cookies(header: str) -> dict[str, str]:
    out = {}
    for part in header.split(";"):
        if "=" in part:
            k, v = part.split("=", 1)
            out[k.strip()] = v.strip()
    return out


def same_site(path: str) -> str:
    """A path of this site to send a browser to: ``//evil.example/x`` (which a browser reads
    as another site) becomes ``/evil.example/x``; anything not a path becomes ``/``."""
    if not path.startswith("/"):
        return "/"
    return "/" + path.lstrip("/\\")


async def _redirect(send, location: str, cookie: str, token: str) -> None:
    await send({"type": "http.response.start", "status": 303, "headers": [
        (b"location", location.encode("utf-8")),
        (b"set-cookie", f"{cookie}={token}; Path=/; HttpOnly; SameSite=Strict".encode()),
        (b"cache-control", b"no-store"), (b"content-length", b"0")]})
    await send({"type": "http.response.body", "body": b""})


def page(title: str, text: str) -> bytes:
    """A plain page for the answers given before any route (no template needed)."""
    from html import escape

    return (f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{escape(title)}'
            f'</title><style>body{{font:16px/1.5 "Liberation Sans",Arial,sans-serif;margin:3rem;'
            f'color:#1d2733}}</style></head><body><main><h1>{escape(title)}</h1><p>{escape(text)}</p></main></body></html>').encode()


async def _deny(send, status: int, api: bool, title: str, text: str) -> None:
    if api:
        body = json.dumps({"error": f"{title}: {text}"}, ensure_ascii=False).encode()
        kind = b"application/json"
    else:
        body, kind = page(title, text), b"text/html; charset=utf-8"
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", kind), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class Outside(Exception):
    """A path from a request that does not name a file of the out folder."""


def file_under(root: Path, relative: str) -> Path:
    """The regular file ``relative`` names under ``root``: no ``..``, no absolute path, no
    hidden folder (``.vanban``), no back slash, no symbolic link anywhere on the way."""
    parts = relative.split("/")
    if (not relative or relative.startswith("/") or "\\" in relative or "\x00" in relative
            or any(p in ("", ".", "..") or p.startswith(".") for p in parts)):
        raise Outside(relative)
    base = os.path.realpath(root)
    path = os.path.join(base, *parts)
    if os.path.realpath(path) != os.path.normpath(path) or not os.path.isfile(path):
        raise Outside(relative)
    return Path(path)
