"""Đơn vị: the unit list, searched and paged (a thousand units stay a small page), each unit
added, edited, removed with a confirmation; a list imported from Excel previewed row by row
(a bad row marked where it is and left out, level and kind taken by name, «add and edit
only» or «replace the whole list»); the status table downloaded as Excel."""

from __future__ import annotations

import secrets
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path
from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..app import editing
from ..base.exceptions import DataError
from ..app.form import slug
from ..config.validate import UNIT_COLUMNS
from . import uploads, views
from .common import PAGE_SIZE, done, matches, paged

IMPORTS_KEPT = 20
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def routes(site, posted) -> list[Route]:
    ws = site.workspace
    imports: OrderedDict[str, dict] = OrderedDict()
    guard = threading.Lock()

    def _loaded():
        try:
            return ws.loaded()
        except DataError:
            return None

    def _choices(loaded):
        if loaded is None:
            return [], []
        c = loaded.data.campaign
        return [(lv.id, lv.name) for lv in c.levels], [(k.id, k.name) for k in c.unit_kinds]

    def units_page(request: Request, problems=None, message: str = "", status: int = 200, typed=None):
        table = editing.read_units(ws.data_dir)
        loaded = _loaded()
        by_id = {s.unit_id: s for s in ws.statuses()} if loaded else {}
        all_problems = problems if problems is not None else ws.problems()
        mine = [p for p in all_problems if p.file in (editing.UNITS_FILE, "don-vi.xlsx")]
        levels, kinds = _choices(loaded)
        names = dict(levels) | dict(kinds)
        wanted = request.query_params.get("tim", "").strip()
        numbered = list(enumerate(table.rows, 2))   # (line in the file, row)
        if wanted:
            numbered = [(n, r) for n, r in numbered
                        if matches(wanted, r.get("name", ""), r.get("id", ""), names.get(r.get("level", ""), ""),
                                   names.get(r.get("kind", ""), ""))]
        line = request.query_params.get("dong", "")
        page = None
        if line.isdigit() and "trang" not in request.query_params:
            at = next((i for i, (n, _) in enumerate(numbered) if n == int(line)), None)
            if at is not None:   # a problem's link: the page that holds its row
                page = at // PAGE_SIZE + 1
        paging = paged(numbered, request, page=page)
        row_problems: dict[int, list] = {}
        for p in mine:
            if p.line:
                row_problems.setdefault(p.line, []).append(p)
        shown = [f"{folder}/{r.get('id', '')}.{kind}" for _, r in paging.items
                 for folder, kind in (("don-vi", "docx"), ("don-vi", "xlsx"), ("bo-du-lieu", "zip"))]
        outputs = {o.name for o in ws.outputs(only=shown) if o.exists} if loaded else set()
        return site.page(request, "don-vi.html", status, paging=paging, total=len(table.rows),
                         wanted=wanted, statuses=by_id, names=names, problems=mine,
                         row_problems=row_problems, levels=levels, kinds=kinds, message=message,
                         version=editing.version(ws.data_dir / editing.UNITS_FILE),
                         labels=views.UNIT_LABELS, outputs=outputs, typed=typed or {},
                         marked=int(line) if line.isdigit() else 0,
                         can_undo=editing.can_undo(ws.data_dir, editing.UNITS_FILE),
                         xlsx=(ws.data_dir / "don-vi.xlsx").exists()
                         and not (ws.data_dir / editing.UNITS_FILE).exists())

    def units(request: Request):
        return units_page(request)

    def _row(form) -> dict[str, str]:
        return {c: " ".join(str(form.get(f"u:{c}", "")).split()) for c in UNIT_COLUMNS}

    def _save_table(request, table, version, back: str, said: str, typed=None):
        try:
            problems = ws.save_units(table, version)
        except editing.Stale as exc:
            return units_page(request, message=str(exc).replace("Tệp don-vi.csv", "Danh sách đơn vị"),
                              status=409, typed=typed)
        if editing.blocking(problems, editing.UNITS_FILE, None):
            return units_page(request, problems=problems, status=422, typed=typed,
                              message="Chưa lưu: danh sách mới có lỗi (xem bên dưới).")
        return done(site, back, said)

    def _with_columns(table, row):
        for c, v in row.items():
            if v and c not in table.columns:
                table.columns.append(c)

    @posted()
    def unit_add(request: Request, form):
        table = editing.read_units(ws.data_dir)
        row = _row(form)
        if not row["name"]:
            return units_page(request, message="Hãy gõ tên đơn vị.", status=422, typed=row)
        if not row["id"]:
            row["id"] = editing.unique_id(slug(row["name"]), {r.get("id", "") for r in table.rows})
        elif any(r.get("id") == row["id"] for r in table.rows):
            return units_page(request, message=f"Đã có một đơn vị với mã «{row['id']}».", status=422,
                              typed=row)
        _with_columns(table, row)
        table.rows.append(row)
        return _save_table(request, table, str(form.get("version", "")),
                           f"/don-vi?tim={quote(row['name'])}",
                           f"Đã thêm đơn vị «{row['name']}». Bấm «Sinh văn bản» để có báo cáo mẫu của đơn vị.",
                           typed=row)

    def _index(table, unit_id):
        index = next((i for i, r in enumerate(table.rows) if r.get("id") == unit_id), None)
        if index is None:
            raise HTTPException(404, "Không có đơn vị này trong danh sách (có thể vừa bị bỏ).")
        return index

    @posted()
    def unit_edit(request: Request, form):
        unit_id = request.path_params["unit"]
        table = editing.read_units(ws.data_dir)
        index = _index(table, unit_id)
        row = _row(form)
        row["id"] = row["id"] or unit_id
        _with_columns(table, row)
        table.rows[index] = {**table.rows[index], **row}
        return _save_table(request, table, str(form.get("version", "")),
                           f"/don-vi/{quote(row['id'])}", f"Đã lưu thông tin của «{row['name']}».")

    @posted()
    def unit_remove(request: Request, form):
        unit_id = request.path_params["unit"]
        table = editing.read_units(ws.data_dir)
        index = _index(table, unit_id)
        name = table.rows[index].get("name", "")
        del table.rows[index]
        return _save_table(request, table, str(form.get("version", "")), "/don-vi",
                           f"Đã bỏ đơn vị «{name}» khỏi danh sách (hoàn tác được ngay dưới đây).")

    def unit(request: Request):
        unit_id = request.path_params["unit"]
        table = editing.read_units(ws.data_dir)
        row = next((r for r in table.rows if r.get("id") == unit_id), None)
        if row is None:
            raise HTTPException(404, "Không có đơn vị này trong danh sách.")
        loaded = _loaded()
        state = next((s for s in ws.statuses() if s.unit_id == unit_id), None) if loaded else None
        member = loaded.data.members.get(unit_id) if loaded else None
        record = loaded.data.returns.get(unit_id) if loaded else None
        outputs = {o.name for o in ws.outputs(only=[f"don-vi/{unit_id}.docx", f"don-vi/{unit_id}.xlsx",
                                                    f"bo-du-lieu/{unit_id}.zip"]) if o.exists} if loaded else set()
        levels, kinds = _choices(loaded)
        return site.page(request, "don-vi-chi-tiet.html", row=row, state=state, member=member,
                         record=record, outputs=outputs, labels=views.UNIT_LABELS,
                         levels=levels, kinds=kinds,
                         version=editing.version(ws.data_dir / editing.UNITS_FILE))

    def status_xlsx(request: Request):
        return Response(ws.status_xlsx(), media_type=XLSX, headers={
            "content-disposition": "attachment; filename=\"tinh-trang-bao-cao.xlsx\"",
            "cache-control": "no-store", "x-content-type-options": "nosniff"})

    # --- a list from Excel, previewed row by row ------------------------------------------------

    @posted(files=True)
    def units_import(request: Request, form):
        upload = form.get("file")
        if upload is None or isinstance(upload, str) or not upload.filename:
            return units_page(request, message="Chưa chọn tệp danh sách (.xlsx hoặc .csv).", status=422)
        name = Path(upload.filename.replace("\\", "/")).name
        folder = ws.data_dir / ".vanban"
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="nhap-", dir=folder) as tmp:
            target = Path(tmp) / ("danh-sach" + Path(name).suffix.lower())
            if not uploads.save(upload, target):
                return units_page(request, message="Tệp quá lớn.", status=413)
            rows, problems = editing.read_import(target, name)
        if not rows and any(p.is_error for p in problems):
            return units_page(request, status=422, message=f"Không đọc được danh sách trong tệp «{name}»: "
                              + "; ".join(views.plain(p.message) for p in problems if p.is_error)[:400])
        made = secrets.token_urlsafe(9)
        with guard:
            imports[made] = {"rows": rows, "problems": problems, "file": name, "plans": {}}
            while len(imports) > IMPORTS_KEPT:
                imports.popitem(last=False)
        return RedirectResponse(f"/don-vi/nhap/{made}", 303)

    def _import(made: str) -> dict:
        with guard:
            waiting = imports.get(made)
        if waiting is None:
            raise HTTPException(404, "Bản xem trước này không còn (đã nhập, hoặc vanban đã chạy lại); "
                                     "hãy chọn tệp lại.")
        return waiting

    def _plan(waiting: dict, mode: str):
        version = editing.version(ws.data_dir / editing.UNITS_FILE)
        key = (mode, version)
        if key not in waiting["plans"]:
            levels, kinds = _choices(_loaded())
            waiting["plans"] = {key: (editing.plan_import(ws.data_dir, waiting["rows"], mode, levels, kinds,
                                                          waiting["problems"]), version)}
        return waiting["plans"][key]

    def import_page(request: Request):
        made = request.path_params["made"]
        waiting = _import(made)
        mode = editing.REPLACE if request.query_params.get("cach") == editing.REPLACE else editing.ADD_ONLY
        plan, _ = _plan(waiting, mode)
        levels, kinds = _choices(_loaded())
        return site.page(request, "nhap-don-vi.html", plan=plan, made=made, file=waiting["file"],
                         names=dict(levels) | dict(kinds), labels=views.UNIT_LABELS,
                         columns=list(UNIT_COLUMNS))

    @posted()
    def import_save(request: Request, form):
        made = request.path_params["made"]
        waiting = _import(made)
        mode = editing.REPLACE if form.get("cach") == editing.REPLACE else editing.ADD_ONLY
        plan, version = _plan(waiting, mode)
        added, changed = plan.count("added"), plan.count("changed")
        if not (added or changed or plan.removed):
            return done(site, f"/don-vi/nhap/{made}?cach={mode}", "Không có gì để lưu: danh sách không đổi.",
                        "info")
        said = f"Đã nhập danh sách từ «{waiting['file']}»: {added} đơn vị thêm, {changed} đơn vị sửa"
        said += f", {len(plan.removed)} đơn vị bỏ" if plan.removed else ", không bỏ đơn vị nào"
        bad = plan.count("bad")
        said += f"; {bad} dòng có lỗi không nhập." if bad else "."
        answer = _save_table(request, plan.table, version, "/don-vi", said)
        if isinstance(answer, RedirectResponse):
            with guard:
                imports.pop(made, None)
        return answer

    return [
        Route("/don-vi", units),
        Route("/don-vi/tinh-trang.xlsx", status_xlsx),
        Route("/don-vi/them", unit_add, methods=["POST"]),
        Route("/don-vi/nhap", units_import, methods=["POST"]),
        Route("/don-vi/nhap/{made}", import_page),
        Route("/don-vi/nhap/{made}", import_save, methods=["POST"]),
        Route("/don-vi/{unit}", unit),
        Route("/don-vi/{unit}/sua", unit_edit, methods=["POST"]),
        Route("/don-vi/{unit}/xoa", unit_remove, methods=["POST"]),
    ]
