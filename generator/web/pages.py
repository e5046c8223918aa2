"""The pages: Tổng quan, Dữ liệu, Đơn vị, Văn bản, Nhận báo cáo. Each route reads the request,
calls the engine and renders a template."""

from __future__ import annotations

import io
import secrets
import shutil
import tempfile
import zipfile
from datetime import date
from pathlib import Path
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.background import BackgroundTask
from starlette.routing import Route

from ..app import editing, edits
from ..documents import pdf
from ..config import store
from ..documents.contexts.digest import group_name
from ..base.exceptions import Cancelled, DataError, UsageError
from ..model.schema import parse_date
from ..config.validate import UNIT_COLUMNS
from . import security, uploads, views
from .common import done, matches, notes_of, paged

UNIT_LABELS = views.UNIT_LABELS


def _loaded_or_problems(ws):
    try:
        return ws.loaded(), []
    except DataError as exc:
        return None, exc.problems


def out_file(ws, relative: str) -> Path:
    try:
        return security.file_under(ws.out_dir, relative)
    except security.Outside:
        raise HTTPException(404, "Không có tệp này trong thư mục kết quả.") from None


def download(path: Path) -> FileResponse:
    return FileResponse(path, filename=path.name, headers={"cache-control": "no-store",
                                                           "x-content-type-options": "nosniff"})


def _date_field(text: str | None) -> date | None:
    if not text or not text.strip():
        return None
    try:
        return parse_date(text.strip())
    except Exception:
        raise UsageError(f"Ngày nhận «{text}» không đúng dạng ngày/tháng/năm (ví dụ 05/5/2021).") from None


def routes(site) -> list[Route]:
    ws = site.workspace
    notes_of(site)
    site.pages.globals["where"] = lambda p: views.where(p, ws.data_dir)

    def posted(files: bool = False):
        """A POST route: the form read and checked on the event loop, the work — which may
        wait for a change under way, read and write files — in a thread, so that the other
        pages keep answering meanwhile."""
        def wrap(work):
            async def endpoint(request: Request):
                form = await site.form(request, files=files)
                return await run_in_threadpool(work, request, form)
            endpoint.__name__ = work.__name__
            return endpoint
        return wrap

    # --- Tổng quan --------------------------------------------------------------------------

    def overview(request: Request):
        from ..app import recent

        if not recent.is_campaign(ws.data_dir):
            return RedirectResponse("/bat-dau", 303)
        loaded, _ = _loaded_or_problems(ws)
        today = store.today()
        problems = ws.problems()
        lines = ws.statuses(today) if loaded else []
        progress = ws.progress
        report = progress.report
        stale = [o for o in ws.outputs() if not o.fresh] if loaded else []
        return site.page(request, "tong-quan.html", loaded=loaded, today=today,
                         lines=lines, levels=views.level_counts(lines), totals=views.totals(lines),
                         problems=problems, build=report if report and not stale else None,
                         stale=stale, build_error=progress.problems if progress.error else [],
                         units=views.unit_names(ws),
                         edit_lines=views.edit_lines(report, views.unit_names(ws)) if report and not stale else [])

    def home(request: Request):
        return overview(request)

    @posted()
    def build(request: Request, form):
        try:
            ws.build(force=form.get("force") == "1")
        except DataError:
            return done(site, "/", "Dữ liệu có lỗi; chưa ghi tệp nào. Xem các lỗi dưới nút «Sinh văn "
                                   "bản».", "error")
        except Cancelled as exc:
            return done(site, "/", str(exc), "info")
        return RedirectResponse("/", 303)

    @posted()
    def build_cancel(request: Request, form):
        if ws.cancel():
            return done(site, "/", "Đã yêu cầu dừng sinh văn bản: việc đang làm dừng lại, không ghi tệp nào.",
                        "info")
        return done(site, "/", "Không có việc sinh văn bản nào đang chạy.", "info")

    def _scratch() -> Path:
        folder = ws.data_dir / ".vanban"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    # --- Văn bản -----------------------------------------------------------------------------

    def documents(request: Request):
        loaded, problems = _loaded_or_problems(ws)
        outputs = ws.outputs() if loaded else []
        units = {u.id: u.name for u in loaded.data.units} if loaded else {}
        stale = sum(1 for o in outputs if not o.fresh)
        edited = any(o.edited for o in outputs)
        wanted = request.query_params.get("tim", "").strip()
        shown = [(views.output_title(o.name, units), o) for o in outputs]
        if wanted:
            shown = [(t, o) for t, o in shown if matches(wanted, t)]
        only = request.query_params.get("loai", "")
        if only == "chinh":
            shown = [(t, o) for t, o in shown if "/" not in o.name]
        elif only == "can-sinh-lai":
            shown = [(t, o) for t, o in shown if not o.fresh]
        paging = paged(shown, request)
        finished = {o.name for _, o in paging.items if edits.finished(o.name)}
        return site.page(request, "van-ban.html", paging=paging, total=len(outputs), stale=stale,
                         edited=edited, problems=problems, wanted=wanted, only=only,
                         has_pdf=pdf.soffice() is not None, finished=finished)

    def document_file(request: Request):
        return download(out_file(ws, request.path_params["path"]))

    def document_pdf(request: Request):
        path = out_file(ws, request.path_params["path"])
        if path.suffix != ".docx":
            raise HTTPException(404, "Chỉ văn bản Word mới có bản PDF.")
        try:
            made = pdf.pdf_of(ws.out_dir, request.path_params["path"])
        except pdf.PdfError as exc:
            raise UsageError(str(exc)) from None
        return download(made)

    def document_view(request: Request):
        relative = request.path_params["path"]
        path = out_file(ws, relative)
        pages, note = [], ""
        if path.suffix != ".docx":
            note = "Chỉ xem trước được văn bản Word; tệp Excel hãy tải về để mở."
        elif pdf.soffice() is None:
            note = ("Máy này chưa cài LibreOffice nên không xem trước được trang. Hãy tải tệp "
                    ".docx về và mở bằng Word.")
        else:
            try:
                pages = [p.name for p in pdf.pages_of(ws.out_dir, relative)]
            except pdf.PdfError as exc:
                note = f"Không xem trước được: {exc}"
        return site.page(request, "xem-van-ban.html", relative=relative, pages=pages, note=note,
                         units=views.unit_names(ws))

    def document_image(request: Request):
        relative = request.path_params["path"]
        folder = ws.out_dir / pdf.PREVIEWS
        try:
            path = security.file_under(folder, relative)
        except security.Outside:
            raise HTTPException(404, "Không có ảnh trang này.") from None
        if path.suffix != ".png":
            raise HTTPException(404, "Không có ảnh trang này.")
        return FileResponse(path, media_type="image/png")

    def skeletons_zip(request: Request):
        """Every skeleton and workbook in one .zip: each file resolved inside ``out/don-vi``
        (a link pointing elsewhere is left out, as ``/api/files/`` refuses it), packed into a
        temporary file in a thread and streamed, removed once sent."""
        folder = ws.out_dir / "don-vi"
        names = sorted(p.name for p in folder.glob("*.*") if p.suffix in (".docx", ".xlsx")) \
            if folder.is_dir() else []
        files = []
        for name in names:
            try:
                files.append(security.file_under(ws.out_dir, f"don-vi/{name}"))
            except security.Outside:
                continue
        if not files:
            raise UsageError("Chưa có báo cáo mẫu nào: hãy bấm «Sinh văn bản» trước.")
        handle = tempfile.NamedTemporaryFile(prefix="goi-don-vi-", suffix=".zip", dir=_scratch(),
                                             delete=False)
        try:
            with handle, zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as zf:
                for p in files:
                    zf.write(p, f"don-vi/{p.name}")
        except BaseException:
            Path(handle.name).unlink(missing_ok=True)
            raise
        return FileResponse(handle.name, media_type="application/zip",
                            filename="bao-cao-mau-don-vi.zip",
                            headers={"cache-control": "no-store"},
                            background=BackgroundTask(Path(handle.name).unlink, missing_ok=True))

    # --- Ý kiến đơn vị -----------------------------------------------------------------------

    def words(request: Request):
        loaded, problems = _loaded_or_problems(ws)
        if loaded is None:
            return site.page(request, "y-kien.html", parts=[], shown=[], problems=problems,
                             levels=[], kinds=[], chosen={}, reported=0)
        chosen = {k: request.query_params.get(k, "") for k in ("phan", "cap", "loai")}
        parts = ws.digest()

        def keep(member) -> bool:
            return ((not chosen["cap"] or member.unit.level == chosen["cap"])
                    and (not chosen["loai"] or member.unit.kind == chosen["loai"]))

        shown = []
        for part in parts:
            if chosen["phan"] and part.key != chosen["phan"]:
                continue
            written = [(m, w) for m, w in part.words.written if keep(m)]
            silent = [m for m in part.words.silent if keep(m)]
            shown.append((part, written, silent))
        return site.page(request, "y-kien.html", parts=parts, shown=shown, problems=[],
                         levels=loaded.data.campaign.levels, kinds=loaded.data.campaign.unit_kinds,
                         chosen=chosen, reported=len(loaded.data.returns),
                         group=lambda m: group_name(loaded.data, m))

    from . import (data as data_pages, receiving, report, review as review_pages,
                   start as start_pages, units as unit_pages)

    return (data_pages.routes(site, posted) + unit_pages.routes(site, posted)
            + start_pages.routes(site, posted) + receiving.routes(site, posted)
            + report.routes(site, posted) + review_pages.routes(site, posted)) + [
        Route("/", home),
        Route("/sinh-van-ban", build, methods=["POST"]),
        Route("/sinh-van-ban/dung", build_cancel, methods=["POST"]),
        Route("/van-ban", documents),
        Route("/van-ban/goi-don-vi.zip", skeletons_zip),
        Route("/van-ban/tai/{path:path}", document_file),
        Route("/van-ban/pdf/{path:path}", document_pdf),
        Route("/van-ban/xem/{path:path}", document_view),
        Route("/van-ban/anh/{path:path}", document_image),
        Route("/y-kien", words),
    ]
