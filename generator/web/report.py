"""Báo cáo tổng hợp: the consolidated report's parts written in the page, each beside the
digest of what the units wrote there — or in Word, in the report itself (read back at the
next «Sinh văn bản»)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.routing import Route

from ..app import editing, writing
from ..documents import manifest
from ..base.exceptions import DataError
from .common import done

SHOWN_UNITS = 5      # units' words shown under a part; the rest on Ý kiến đơn vị


def routes(site, posted) -> list[Route]:
    ws = site.workspace

    def report_page(request: Request, values=None, status: int = 200, stale: str = "", clashes=None,
                    problems=None):
        try:
            data = ws.loaded().data
        except DataError as exc:
            return site.page(request, "bao-cao-tong-hop.html", status, parts=[], broken=exc.problems,
                             version="", values={}, stale="", clashes={}, edited=False, has_file=False,
                             problems=[], reported=0, can_undo=False, shown_units=SHOWN_UNITS)
        path = ws.data_dir / editing.REPORT_FILE
        parts = writing.report_parts(data)
        typed = values or {}
        edited = manifest.Manifest(ws.out_dir).state("bao-cao-tong-hop.docx") == manifest.EDITED
        mine = [p for p in (problems if problems is not None else ws.problems())
                if p.file == editing.REPORT_FILE and p.place.startswith("narrative")]
        return site.page(request, "bao-cao-tong-hop.html", status, parts=parts, broken=[],
                         version=editing.version(path), values=typed, stale=stale,
                         clashes=clashes or {}, edited=edited, has_file=path.is_file(),
                         problems=mine, reported=len(data.returns), shown_units=SHOWN_UNITS,
                         can_undo=editing.can_undo(ws.data_dir, editing.REPORT_FILE),
                         text=editing.narrative_text)

    def report(request: Request):
        return report_page(request)

    @posted()
    def save(request: Request, form):
        values = {k[2:]: str(v) for k, v in form.multi_items() if k.startswith("p:")}
        originals = {k[2:]: str(v) for k, v in form.multi_items() if k.startswith("o:")}
        order = [p.key for p in writing.report_parts(ws.loaded().data)]
        try:
            problems = ws.save_narrative(values, str(form.get("version", "")), originals, order)
        except editing.Stale as exc:
            mine = {k: v for k, v in values.items() if not editing._same_words(v, originals.get(k, ""))}
            return report_page(request, values=mine, status=409, clashes={c.key: c for c in exc.clashes},
                               stale="Báo cáo tổng hợp đã được lưu ở một thẻ khác (hoặc lời viết trong Word "
                                     "vừa được đọc lại) sau khi bạn mở trang này, ở chính những phần bạn sửa; "
                                     "chưa ghi gì. Xem từng phần dưới đây rồi bấm Lưu lần nữa.")
        if editing.blocking(problems, editing.REPORT_FILE, None):
            return report_page(request, values=values, status=422, problems=problems)
        changed = [k for k, v in values.items() if not editing._same_words(v, originals.get(k, ""))]
        said = (f"Đã lưu lời viết ở {len(changed)} phần của báo cáo tổng hợp. Bấm «Sinh văn bản» để có "
                "bản Word mới." if changed else "Không có phần nào thay đổi.")
        anchor = f"#phan-{changed[0].replace('.', '-')}" if len(changed) == 1 else ""
        return done(site, "/bao-cao-tong-hop" + anchor, said, "ok" if changed else "info")

    return [
        Route("/bao-cao-tong-hop", report),
        Route("/bao-cao-tong-hop/luu", save, methods=["POST"]),
    ]
