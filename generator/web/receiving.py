"""Nhận báo cáo: returned files taken in (their results on a page of their own — post,
redirect, get), a file whose unit vanban could not tell assigned to a unit by hand (recorded
as such) or dropped, a conflict shown side by side and decided, the history of replaced
returns. Units and forms are named by their names."""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from ..config import store
from ..base.exceptions import DataError, UsageError
from . import uploads, views
from .common import done
from .pages import _date_field

RESULTS_KEPT = 50


def routes(site, posted) -> list[Route]:
    ws = site.workspace
    results: OrderedDict[str, tuple] = OrderedDict()
    guard = threading.Lock()

    def _units():
        try:
            return ws.loaded().data.units
        except DataError:
            return []

    def returns(request: Request):
        shown = request.query_params.get("ket-qua", "")
        with guard:
            got = results.get(shown)
        units = _units()
        names = {u.id: u.name for u in units}
        return site.page(request, "nhan-bao-cao.html", results=got[0] if got else [],
                         findings=got[1] if got else [], names=names, units=units,
                         held=ws.held(), conflicts=ws.aside(store.CONFLICTS),
                         history=ws.aside(store.HISTORY), today=store.today())

    @posted(files=True)
    def upload(request: Request, form):
        files = [f for f in form.getlist("files") if not isinstance(f, str) and f.filename]
        if not files:
            return done(site, "/nhan-bao-cao", "Chưa chọn tệp nào.", "error")
        received = _date_field(str(form.get("received", "")))
        taken, report = uploads.take(ws, files, replace=form.get("replace") == "1", received=received)
        made = secrets.token_urlsafe(9)
        with guard:
            results[made] = (taken, report.findings if report else [])
            while len(results) > RESULTS_KEPT:
                results.popitem(last=False)
        return RedirectResponse(f"/nhan-bao-cao?ket-qua={made}#ket-qua", 303)

    def _unit_by_name(text: str) -> str:
        """The unit a person chose, by its name as the list shows it."""
        text = " ".join(text.split())
        units = _units()
        found = [u for u in units if u.name == text] or [u for u in units if u.id == text]
        if not found:
            raise UsageError(f"Không có đơn vị nào tên «{text}» trong danh sách; hãy chọn tên trong danh sách gợi ý.")
        if len(found) > 1:
            raise UsageError(f"Có {len(found)} đơn vị cùng tên «{text}»: hãy sửa tên cho khác nhau ở trang "
                             "Đơn vị rồi chọn lại.")
        return found[0].id

    @posted()
    def assign(request: Request, form):
        held_id = request.path_params["held"]
        try:
            unit_id = _unit_by_name(str(form.get("unit", "")))
            report = ws.assign(held_id, unit_id, replace=form.get("replace") == "1",
                               received=_date_field(str(form.get("received", ""))))
        except UsageError as exc:
            return done(site, "/nhan-bao-cao#chua-ro", str(exc), "error")
        name = views.unit_names(ws).get(unit_id, unit_id)
        if report.refused:
            return done(site, "/nhan-bao-cao#chua-ro", f"Chưa nhận được cho «{name}»: "
                        + views.tables_by_name(report.refused[0][1]), "error")
        if report.conflicts:
            kept = report.conflicts[0][2].name
            return done(site, f"/nhan-bao-cao/xung-dot/{kept}", f"«{name}» đã có số liệu từ một tệp khác: "
                        "tệp vừa chọn được giữ riêng là một xung đột — so sánh hai bản dưới đây rồi quyết định.",
                        "info")
        said = "không đổi gì (đơn vị đã có đúng tệp này)" if report.unchanged else \
            "đã nhận số liệu và phần viết, ghi là đơn vị do người nhận chọn tay"
        return done(site, "/nhan-bao-cao#chua-ro", f"Tệp đã gán cho «{name}»: {said}.")

    @posted()
    def drop(request: Request, form):
        try:
            item = ws.drop_held(request.path_params["held"])
        except UsageError as exc:
            return done(site, "/nhan-bao-cao#chua-ro", str(exc), "error")
        return done(site, "/nhan-bao-cao#chua-ro", f"Đã bỏ tệp «{item.file}» khỏi danh sách chờ.")

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
        take_new = form.get("choice") == "new"
        ws.settle(record.unit, kept, take_new=take_new)
        if take_new:
            said = (f"Đã thay số liệu của «{record.unit_name}» bằng bản mới từ tệp «{record.source.file}»; "
                    "bản cũ giữ trong lịch sử.")
        else:
            said = (f"Đã giữ bản cũ của «{record.unit_name}»; bản mới từ tệp «{record.source.file}» giữ "
                    "trong lịch sử.")
        return done(site, "/nhan-bao-cao", said)

    return [
        Route("/nhan-bao-cao", returns),
        Route("/nhan-bao-cao/gui", upload, methods=["POST"]),
        Route("/nhan-bao-cao/chua-ro/{held}", assign, methods=["POST"]),
        Route("/nhan-bao-cao/chua-ro/{held}/bo", drop, methods=["POST"]),
        Route("/nhan-bao-cao/xung-dot/{kept}", conflict),
        Route("/nhan-bao-cao/xung-dot/{kept}", conflict_settle, methods=["POST"]),
    ]
