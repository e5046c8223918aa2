"""The web workspace: a Starlette application over one :class:`Workspace`.

Routes are thin: they read the request, call the engine (``generator.app.workspace`` and the
modules it calls) and render a server-side template. Every error becomes a Vietnamese page
(or a JSON message under ``/api/``), never a traceback.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jinja2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .. import __version__
from ..base.exceptions import DataError, VanbanError
from ..app.workspace import Workspace
from . import security

HERE = Path(__file__).resolve().parent
MAX_UPLOAD = 200 * 1024 * 1024      # one request of returned files, in all
MAX_FILES = 300                     # files in one request
MAX_FORM = 2 * 1024 * 1024          # a form without files


class Site:
    """What every route needs: the workspace, the token and the page templates."""

    def __init__(self, workspace: Workspace, token: str):
        self.workspace = workspace
        self.token = token
        self.csrf = security.csrf_for(token)
        self.pages = jinja2.Environment(
            loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
            undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        from . import views

        self.pages.globals["views"] = views
        self.stash: dict[str, object] = {}   # an import waiting for «Lưu» (unit lists)
        self.started: set[str] = set()       # campaigns made from a kit in this run

    def page(self, request: Request, template: str, status: int = 200, **values) -> HTMLResponse:
        try:
            title = self.workspace.loaded().data.campaign.issuer.short_name
        except Exception:  # the data has errors: the pages still open
            title = ""
        html = self.pages.get_template(template).render(
            request=request, csrf=self.csrf, nav=request.url.path, title=title,
            app_version=__version__, busy=self.workspace.busy, progress=self.workspace.progress,
            **values)
        return HTMLResponse(html, status_code=status,
                            headers={"cache-control": "no-store",
                                     "content-security-policy": "default-src 'self'; img-src 'self' data:; "
                                                                "style-src 'self'; script-src 'self'; "
                                                                "frame-ancestors 'none'",
                                     "x-content-type-options": "nosniff",
                                     "referrer-policy": "same-origin"})

    async def form(self, request: Request, *, files: bool = False):
        """The posted form, checked: size, number of files, CSRF token."""
        limit = MAX_UPLOAD if files else MAX_FORM
        length = request.headers.get("content-length")
        if length is None and "transfer-encoding" not in request.headers:
            length = "0"   # a POST with no body
        if length is None or not length.isdigit():
            raise HTTPException(411, "Yêu cầu thiếu độ dài nội dung.")
        if int(length) > limit:
            raise HTTPException(413, f"Nội dung gửi lên quá lớn (tối đa {limit // (1024 * 1024)} MB "
                                     "một lần); hãy gửi thành nhiều lần.")
        try:
            form = await request.form(max_files=MAX_FILES if files else 0, max_fields=5000)
        except HTTPException:
            raise
        except Exception:
            raise HTTPException(400, "Biểu mẫu gửi lên không đọc được.") from None
        field = form.get(security.CSRF_FIELD)
        if not security.csrf_ok(request.scope, self.token, field if isinstance(field, str) else None):
            raise HTTPException(403, "Biểu mẫu thiếu mã bảo vệ (CSRF) của trang; hãy tải lại trang "
                                     "rồi làm lại.")
        return form


# what the framework says (starlette, python-multipart) in English, said in Vietnamese
_FRAMEWORK = [
    (re.compile(r"Too many files\. Maximum number of files is (\d+)"),
     "Gửi quá nhiều tệp một lần (tối đa {0} tệp); hãy chia ra gửi nhiều lần."),
    (re.compile(r"Too many fields\. Maximum number of fields is (\d+)"),
     "Biểu mẫu gửi lên có quá nhiều trường (tối đa {0})."),
    (re.compile(r"(?:Part|Field) exceeded maximum size of (\d+)KB"),
     "Một phần của biểu mẫu gửi lên lớn quá {0} KB."),
]
_BY_STATUS = {
    400: "Yêu cầu không hợp lệ (nội dung gửi lên không đọc được).",
    401: "Cần mã truy cập.", 403: "Yêu cầu bị từ chối.", 404: "Không có trang này.",
    405: "Trang này không nhận cách gửi đó.", 406: "Không trả lời được theo dạng yêu cầu.",
    408: "Yêu cầu gửi quá lâu.", 409: "Dữ liệu đã thay đổi; hãy tải lại trang.",
    411: "Yêu cầu thiếu độ dài nội dung.", 413: "Nội dung gửi lên quá lớn.",
    414: "Địa chỉ quá dài.", 415: "Dạng nội dung gửi lên không được nhận.",
    422: "Nội dung gửi lên không hợp lệ.", 429: "Quá nhiều yêu cầu; hãy chờ rồi thử lại.",
    500: "Lỗi không mong đợi trong vanban.", 503: "vanban đang bận; hãy thử lại sau ít phút.",
}


def vietnamese(status: int, detail: object) -> str:
    """The message of an HTTP error, in Vietnamese whoever raised it: ours are already; the
    framework's (in English, pure ASCII) are translated, or said by their status."""
    if isinstance(detail, str) and detail and not detail.isascii():
        return detail
    for pattern, text in _FRAMEWORK:
        found = pattern.search(detail) if isinstance(detail, str) else None
        if found:
            return text.format(*found.groups())
    return _BY_STATUS.get(status, f"Yêu cầu không làm được (mã {status}).")


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def create_app(workspace: Workspace, token: str) -> Starlette:
    from . import api, pages

    site = Site(workspace, token)

    async def http_error(request: Request, exc: HTTPException):
        text = vietnamese(exc.status_code, exc.detail)
        if _wants_json(request):
            return JSONResponse({"error": text}, status_code=exc.status_code)
        return site.page(request, "loi.html", exc.status_code, heading="Không làm được", message=text,
                         problems=[])

    async def vanban_error(request: Request, exc: VanbanError):
        problems = exc.problems if isinstance(exc, DataError) else []
        text = ("Dữ liệu có lỗi; chưa ghi tệp nào." if isinstance(exc, DataError) else str(exc))
        if _wants_json(request):
            return JSONResponse({"error": text, "problems": [api.problem_json(p) for p in problems]},
                                status_code=422 if problems else 400)
        return site.page(request, "loi.html", 422 if problems else 400, heading="Không làm được",
                         message=text, problems=problems)

    async def unexpected(request: Request, exc: Exception):
        text = (f"Lỗi không mong đợi trong vanban ({type(exc).__name__}). Dữ liệu và các văn bản "
                "đã có vẫn nguyên vẹn. Hãy báo cho người phát triển.")
        if _wants_json(request):
            return JSONResponse({"error": text}, status_code=500)
        try:
            return site.page(request, "loi.html", 500, heading="Lỗi", message=text, problems=[])
        except Exception:
            return Response(security.page("Lỗi", text), 500, media_type="text/html")

    routes = pages.routes(site) + api.routes(site) + [
        Mount("/tep-tinh", StaticFiles(directory=HERE / "static"), name="static")]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(security.Guard, token=token)],
        exception_handlers={HTTPException: http_error, VanbanError: vanban_error,
                            Exception: unexpected})
    app.state.site = site
    return app


def dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)
