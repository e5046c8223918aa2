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

from .. import editing, edits, pdf, store
from ..contexts.digest import group_name
from ..exceptions import Cancelled, DataError, UsageError
from ..schema import parse_date
from ..validate import UNIT_COLUMNS
from . import security, uploads, views

UNIT_LABELS = {"id": "Mã đơn vị", "name": "Tên đơn vị", "level": "Cấp", "kind": "Loại",
               "committee_name": "Tên cấp ủy ký báo cáo", "symbol": "Ký hiệu riêng",
               "header_lines": "Dòng tiêu đề (ngắt bằng |)"}


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

    def overview(request: Request, build=None, build_error=None, status: int = 200, cancelled: str = ""):
        loaded, _ = _loaded_or_problems(ws)
        today = store.today()
        problems = ws.problems()
        lines = ws.statuses(today) if loaded else []
        return site.page(request, "tong-quan.html", status, loaded=loaded, today=today,
                         lines=lines, levels=views.level_counts(lines), totals=views.totals(lines),
                         problems=problems, build=build or ws.progress.report,
                         build_error=build_error, cancelled=cancelled,
                         edit_lines=edits.lines(Path(), build or ws.progress.report)
                         if (build or ws.progress.report) else [])

    def home(request: Request):
        return overview(request)

    @posted()
    def build(request: Request, form):
        try:
            report = ws.build(force=form.get("force") == "1")
        except DataError as exc:
            return overview(request, build_error=exc.problems, status=422)
        except Cancelled as exc:
            return overview(request, build_error=[], cancelled=str(exc), status=409)
        return overview(request, build=report)

    @posted()
    def build_cancel(request: Request, form):
        ws.cancel()
        return RedirectResponse("/", 303)

    @posted(files=True)
    def from_kit(request: Request, form):
        upload = form.get("kit")
        name = str(form.get("folder", "")).strip()
        if upload is None or isinstance(upload, str) or not upload.filename or not name:
            raise UsageError("Hãy chọn tệp bộ dữ liệu (.zip) và đặt tên thư mục cho chiến dịch mới.")
        with tempfile.TemporaryDirectory(prefix="bo-du-lieu-", dir=_scratch()) as tmp:
            target = Path(tmp) / "bo-du-lieu.zip"
            if not uploads.save(upload, target):
                raise UsageError("Tệp bộ dữ liệu quá lớn.")
            made = ws.start_from_kit(target, name)
        site.started.add(str(made))
        return site.page(request, "bat-dau.html", made=made)

    @posted()
    def open_campaign(request: Request, form):
        folder = str(form.get("folder", ""))
        if folder not in site.started:
            raise HTTPException(404, "Chỉ mở được chiến dịch vừa lập trong lần chạy này.")
        ws.switch(Path(folder) / "data", Path(folder) / "out")
        return RedirectResponse("/don-vi", 303)

    # --- Dữ liệu ------------------------------------------------------------------------------

    def data_page(request: Request, name: str, values=None, problems=None, saved=False,
                  stale: str | None = None, status: int = 200, clashes=None):
        if name not in views.DATA_PAGES:
            raise HTTPException(404, f"Không có tệp dữ liệu «{name}».")
        path = ws.data_dir / name
        all_problems = problems if problems is not None else ws.problems()
        mine = [p for p in all_problems if p.file == name]
        fields, text, refs, previews = [], "", [], {}
        if name in editing.EDITABLE and path.is_file():
            try:
                fields = editing.fields(path, name)
            except Exception:
                text = path.read_text(encoding="utf-8", errors="replace")
            keys = {f.key for f in fields}
            for f in fields:
                f.original = f.value                 # what the file holds: the form's base
                if values is not None and f.key in values:
                    f.value = values[f.key]
                f.problems = [p for p in mine if p.place == f.key]
            loose = [p for p in mine if p.place not in keys]
            renderer = ws.prose()
            if renderer is not None:
                refs = views.references(renderer.values)
                for f in fields:
                    if f.prose and "{{" in f.value:
                        try:
                            previews[f.key] = renderer.render(f.value)
                        except Exception as exc:
                            previews[f.key] = f"(chưa đọc được: {exc})"
        else:
            loose = mine
            text = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
        return site.page(request, "du-lieu.html", status, name=name, files=views.DATA_PAGES,
                         editable=name in editing.EDITABLE, fields=fields, loose=loose,
                         lines=text.splitlines(), version=editing.version(path), refs=refs,
                         previews=previews, saved=saved, stale=stale,
                         groups=editing.group_labels(name), clashes=clashes or {},
                         can_undo=editing.can_undo(ws.data_dir, name))

    def data(request: Request):
        return data_page(request, request.query_params.get("tep", "chien-dich.yaml"),
                         saved=request.query_params.get("da-luu") == "1")

    @posted()
    def data_save(request: Request, form):
        name = str(form.get("tep", ""))
        if name not in editing.EDITABLE:
            raise HTTPException(404, f"Tệp «{name}» không sửa được ở đây.")
        values = {k[2:]: str(v) for k, v in form.multi_items() if k.startswith("f:")}
        originals = {k[2:]: str(v) for k, v in form.multi_items() if k.startswith("o:")}
        try:
            problems = ws.save_fields(name, values, str(form.get("version", "")), originals or None)
        except editing.Stale as exc:
            # the form made anew from the file as it is now, the person's own changes over it
            mine = {k: v for k, v in values.items() if k not in originals or v != originals[k]}
            return data_page(request, name, values=mine, stale=str(exc), status=409,
                             clashes={c.key: c for c in exc.clashes})
        if any(p.is_error and p.file == name for p in problems):
            return data_page(request, name, values=values, problems=problems, status=422)
        return RedirectResponse(f"/du-lieu?tep={quote(name)}&da-luu=1", 303)

    @posted()
    def data_undo(request: Request, form):
        name = str(form.get("tep", ""))
        ws.undo(name)
        target = "/don-vi" if name == editing.UNITS_FILE else f"/du-lieu?tep={quote(name)}"
        return RedirectResponse(target, 303)

    @posted()
    def preview(request: Request, form):
        renderer = ws.prose()
        if renderer is None:
            return Response("(dữ liệu đang có lỗi nên chưa xem trước được; xem trang Tổng quan)",
                            status_code=422, media_type="text/plain; charset=utf-8")
        try:
            text = renderer.render(str(form.get("text", "")))
            return Response(text, media_type="text/plain; charset=utf-8")
        except Exception as exc:
            return Response(f"(chưa đọc được: {exc})", status_code=422,
                            media_type="text/plain; charset=utf-8")

    # --- Đơn vị ------------------------------------------------------------------------------

    def units_page(request: Request, problems=None, message: str = "", status: int = 200,
                   imported=None, stash_id: str = ""):
        table = editing.read_units(ws.data_dir)
        loaded, _ = _loaded_or_problems(ws)
        by_id = {s.unit_id: s for s in ws.statuses()} if loaded else {}
        all_problems = problems if problems is not None else ws.problems()
        mine = [p for p in all_problems if p.file in (editing.UNITS_FILE, "don-vi.xlsx")]
        levels = loaded.data.campaign.levels if loaded else []
        kinds = loaded.data.campaign.unit_kinds if loaded else []
        outputs = {o.name for o in ws.outputs() if o.exists} if loaded else set()
        names = {lv.id: lv.name for lv in levels} | {k.id: k.name for k in kinds}
        return site.page(request, "don-vi.html", status, table=table, statuses=by_id, names=names,
                         problems=mine, levels=levels, kinds=kinds, message=message,
                         version=editing.version(ws.data_dir / editing.UNITS_FILE),
                         labels=UNIT_LABELS, columns=list(UNIT_COLUMNS), outputs=outputs,
                         imported=imported, stash_id=stash_id,
                         can_undo=editing.can_undo(ws.data_dir, editing.UNITS_FILE),
                         xlsx=(ws.data_dir / "don-vi.xlsx").exists()
                         and not (ws.data_dir / editing.UNITS_FILE).exists())

    def units(request: Request):
        return units_page(request)

    def _row(form) -> dict[str, str]:
        return {c: str(form.get(f"u:{c}", "")).strip() for c in UNIT_COLUMNS}

    def _save_table(request, table, version, back: str):
        try:
            problems = ws.save_units(table, version)
        except editing.Stale as exc:
            return units_page(request, message=str(exc), status=409)
        if any(p.is_error and p.file == editing.UNITS_FILE for p in problems):
            return units_page(request, problems=problems, status=422,
                              message="Chưa lưu: danh sách mới có lỗi (xem bên dưới).")
        return RedirectResponse(back, 303)

    def _with_columns(table, row):
        for c, v in row.items():
            if v and c not in table.columns:
                table.columns.append(c)

    @posted()
    def unit_add(request: Request, form):
        table = editing.read_units(ws.data_dir)
        row = _row(form)
        if any(r.get("id") == row["id"] for r in table.rows):
            return units_page(request, message=f"Đã có đơn vị mã «{row['id']}».", status=422)
        _with_columns(table, row)
        table.rows.append(row)
        return _save_table(request, table, str(form.get("version", "")), "/don-vi")

    @posted()
    def unit_edit(request: Request, form):
        unit_id = request.path_params["unit"]
        table = editing.read_units(ws.data_dir)
        index = next((i for i, r in enumerate(table.rows) if r.get("id") == unit_id), None)
        if index is None:
            raise HTTPException(404, f"Không có đơn vị mã «{unit_id}».")
        row = _row(form)
        _with_columns(table, row)
        table.rows[index] = {**table.rows[index], **row}
        return _save_table(request, table, str(form.get("version", "")),
                           f"/don-vi/{quote(row['id'] or unit_id)}")

    @posted()
    def unit_remove(request: Request, form):
        unit_id = request.path_params["unit"]
        table = editing.read_units(ws.data_dir)
        kept = [r for r in table.rows if r.get("id") != unit_id]
        if len(kept) == len(table.rows):
            raise HTTPException(404, f"Không có đơn vị mã «{unit_id}».")
        table.rows = kept
        return _save_table(request, table, str(form.get("version", "")), "/don-vi")

    def unit(request: Request):
        unit_id = request.path_params["unit"]
        table = editing.read_units(ws.data_dir)
        row = next((r for r in table.rows if r.get("id") == unit_id), None)
        if row is None:
            raise HTTPException(404, f"Không có đơn vị mã «{unit_id}».")
        loaded, _ = _loaded_or_problems(ws)
        state = next((s for s in ws.statuses() if s.unit_id == unit_id), None) if loaded else None
        member = loaded.data.members.get(unit_id) if loaded else None
        record = loaded.data.returns.get(unit_id) if loaded else None
        outputs = {o.name for o in ws.outputs() if o.exists} if loaded else set()
        return site.page(request, "don-vi-chi-tiet.html", row=row, state=state, member=member,
                         record=record, outputs=outputs, labels=UNIT_LABELS,
                         columns=list(UNIT_COLUMNS), levels=loaded.data.campaign.levels if loaded else [],
                         kinds=loaded.data.campaign.unit_kinds if loaded else [],
                         version=editing.version(ws.data_dir / editing.UNITS_FILE))

    @posted(files=True)
    def units_import(request: Request, form):
        upload = form.get("file")
        if upload is None or isinstance(upload, str) or not upload.filename:
            return units_page(request, message="Chưa chọn tệp danh sách (.xlsx hoặc .csv).", status=422)
        name = Path(upload.filename.replace("\\", "/")).name
        with tempfile.TemporaryDirectory(prefix="nhap-", dir=_scratch()) as tmp:
            target = Path(tmp) / ("danh-sach" + Path(name).suffix.lower())
            if not uploads.save(upload, target):
                return units_page(request, message="Tệp quá lớn.", status=413)
            rows, problems = editing.read_unit_list(target, name)
        if any(p.is_error for p in problems):
            return units_page(request, problems=problems, status=422,
                              message=f"Không nhập được {name}: tệp có lỗi (xem bên dưới).")
        table = editing.read_units(ws.data_dir)
        changes = editing.compare_units(table.rows, rows, list(UNIT_COLUMNS))
        stash_id = secrets.token_urlsafe(12)
        site.stash.clear()
        site.stash[stash_id] = (rows, editing.version(ws.data_dir / editing.UNITS_FILE))
        return units_page(request, imported=changes, stash_id=stash_id,
                          message=f"Xem trước khi nhập {name}: chưa lưu gì.")

    @posted()
    def units_import_save(request: Request, form):
        stashed = site.stash.pop(str(form.get("stash", "")), None)
        if stashed is None:
            return units_page(request, message="Bản xem trước đã hết hạn; hãy chọn tệp lại.", status=409)
        rows, version = stashed
        table = editing.read_units(ws.data_dir)
        for row in rows:
            _with_columns(table, row)
        table.rows = rows
        return _save_table(request, table, version, "/don-vi")

    def _scratch() -> Path:
        folder = ws.data_dir / ".vanban"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    # --- Văn bản -----------------------------------------------------------------------------

    def documents(request: Request):
        loaded, problems = _loaded_or_problems(ws)
        outputs = ws.outputs() if loaded else []
        units = {f"don-vi/{u.id}": u.name for u in loaded.data.units} if loaded else {}
        finished = {o.name for o in outputs if edits.finished(o.name)}
        return site.page(request, "van-ban.html", outputs=outputs, problems=problems, units=units,
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
        return site.page(request, "xem-van-ban.html", relative=relative, pages=pages, note=note)

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

    # --- Nhận báo cáo ---------------------------------------------------------------------------

    def returns_page(request: Request, results=None, findings=None, status: int = 200):
        return site.page(request, "nhan-bao-cao.html", status, results=results or [],
                         findings=findings or [], conflicts=ws.aside(store.CONFLICTS),
                         history=ws.aside(store.HISTORY), today=store.today())

    def returns(request: Request):
        return returns_page(request)

    @posted(files=True)
    def returns_upload(request: Request, form):
        files = [f for f in form.getlist("files") if not isinstance(f, str) and f.filename]
        if not files:
            return returns_page(request, status=422, results=[uploads.FileResult(
                "", uploads.REFUSED, reason="chưa chọn tệp nào")])
        received = _date_field(str(form.get("received", "")))
        results, report = uploads.take(ws, files, replace=form.get("replace") == "1",
                                       received=received)
        return returns_page(request, results, report.findings if report else [])

    def _conflict(kept: str):
        for name, record in ws.aside(store.CONFLICTS):
            if name == kept:
                return record
        raise HTTPException(404, "Không có bản xung đột này (có thể đã được giải quyết).")

    def conflict(request: Request):
        kept = request.path_params["kept"]
        new = _conflict(kept)
        loaded = ws.loaded()
        old = loaded.data.returns.get(new.unit)
        member = loaded.data.members.get(new.unit)
        rows = []
        for layout in member.forms if member else []:
            for cell in layout.cells:
                if not cell.is_input:
                    continue
                before = old.figures.get(layout.table.id, {}).get(cell.row.id, {}).get(cell.column.id) \
                    if old else None
                after = new.figures.get(layout.table.id, {}).get(cell.row.id, {}).get(cell.column.id)
                rows.append((layout, cell, before, after, before != after))
        return site.page(request, "xung-dot.html", kept=kept, new=new, old=old, rows=rows)

    @posted()
    def conflict_settle(request: Request, form):
        kept = request.path_params["kept"]
        record = _conflict(kept)
        ws.settle(record.unit, kept, take_new=form.get("choice") == "new")
        return RedirectResponse("/nhan-bao-cao", 303)

    return [
        Route("/", home),
        Route("/sinh-van-ban", build, methods=["POST"]),
        Route("/sinh-van-ban/dung", build_cancel, methods=["POST"]),
        Route("/bat-dau-tu-bo-du-lieu", from_kit, methods=["POST"]),
        Route("/mo-chien-dich", open_campaign, methods=["POST"]),
        Route("/du-lieu", data),
        Route("/du-lieu/luu", data_save, methods=["POST"]),
        Route("/du-lieu/hoan-tac", data_undo, methods=["POST"]),
        Route("/du-lieu/xem-truoc", preview, methods=["POST"]),
        Route("/don-vi", units),
        Route("/don-vi/them", unit_add, methods=["POST"]),
        Route("/don-vi/nhap", units_import, methods=["POST"]),
        Route("/don-vi/nhap/luu", units_import_save, methods=["POST"]),
        Route("/don-vi/{unit}", unit),
        Route("/don-vi/{unit}/sua", unit_edit, methods=["POST"]),
        Route("/don-vi/{unit}/xoa", unit_remove, methods=["POST"]),
        Route("/van-ban", documents),
        Route("/van-ban/goi-don-vi.zip", skeletons_zip),
        Route("/van-ban/tai/{path:path}", document_file),
        Route("/van-ban/pdf/{path:path}", document_pdf),
        Route("/van-ban/xem/{path:path}", document_view),
        Route("/van-ban/anh/{path:path}", document_image),
        Route("/y-kien", words),
        Route("/nhan-bao-cao", returns),
        Route("/nhan-bao-cao/gui", returns_upload, methods=["POST"]),
        Route("/nhan-bao-cao/xung-dot/{kept}", conflict),
        Route("/nhan-bao-cao/xung-dot/{kept}", conflict_settle, methods=["POST"]),
    ]
