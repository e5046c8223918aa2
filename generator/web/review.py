"""Xem xét: the review queue in the page — every finding with its decision, the life of each
return, and where every consolidated figure comes from. Thin over ``generator.review``."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.routing import Route

from ..formats import vnrules
from ..base.exceptions import DataError, UsageError
from ..config.figures import FigureError, parse_number
from ..review import completeness, decisions, queue, states
from ..documents import trace
from ..review.evaluate import cell_name
from ..review.rules import SEVERITIES
from .common import done, matches, paged

DECISIONS = [(decisions.EXPLAINED, "Đã giải trình"), (decisions.ACCEPTED, "Chấp nhận"),
             (decisions.CORRECTED, "Sửa (dùng số đúng)"), (decisions.ASK_UNIT, "Yêu cầu đơn vị sửa")]


def _shown(value) -> str:
    """A figure as the report prints it: «1.871», «93,68», «Có»."""
    if value is True:
        return "Có"
    if value is None or value is False:
        return "" if value is None else "Không"
    return vnrules.figure(value, 0 if float(value).is_integer() else 2)


RETURNS_PAGE = 50


def routes(site, posted) -> list[Route]:
    ws = site.workspace
    kept: dict = {}

    def _queue(data):
        """The queue of the campaign as loaded now: worked out again only when the campaign
        was loaded again (a data file, a return, a decision or a state changed)."""
        if kept.get("data") is not data:
            kept["items"] = queue.build(data, ws.data_dir)
            kept["data"] = data
        return kept["items"]

    def _campaign():
        try:
            return ws.loaded().data
        except DataError:
            return None

    def queue_page(request: Request):
        data = _campaign()
        if data is None:
            return site.page(request, "xem-xet.html", 422, broken=True, items=None, chosen={},
                             levels=[], tables=[], summary="", state_lines=[], complete=[], returns=[],
                             decisions=DECISIONS, severities=SEVERITIES, where=lambda i: "")
        items = _queue(data)
        q = request.query_params
        chosen = {k: q.get(k, "") for k in ("muc", "tim", "cap", "bang", "con-mo")}
        shown = queue.chosen(items, severity=chosen["muc"] or None, level=chosen["cap"] or None,
                             table=chosen["bang"] or None, decided=not chosen["con-mo"])
        if chosen["tim"]:
            shown = [i for i in shown if matches(chosen["tim"], i.unit_name, i.finding.message)]
        saved = states.load(ws.data_dir)
        returns = [(m, data.returns[m.id], states.state_of(saved, m.id, data.returns[m.id].source.sha256),
                    saved.get(m.id)) for m in data.members.values() if m.id in data.returns
                   and (not chosen["tim"] or matches(chosen["tim"], m.name))]
        try:
            shown_returns = max(1, int(q.get("bc", "1")))
        except ValueError:
            shown_returns = 1
        return_pages = max(1, -(-len(returns) // RETURNS_PAGE))
        shown_returns = min(shown_returns, return_pages)
        returns_total = len(returns)
        returns = returns[(shown_returns - 1) * RETURNS_PAGE: shown_returns * RETURNS_PAGE]
        return site.page(request, "xem-xet.html", broken=False, items=paged(shown, request),
                         all_count=len(items), chosen=chosen, levels=data.campaign.levels,
                         tables=data.appendix.tables if data.appendix else [],
                         summary=queue.summary(items), high=len(queue.open_high(items)),
                         complete=completeness.lines(completeness.completeness(data)),
                         state_lines=states.counts(data, ws.data_dir), returns=returns,
                         returns_page=shown_returns, return_pages=return_pages, returns_total=returns_total,
                         decisions=DECISIONS, severities=SEVERITIES,
                         where=lambda i: queue.where(i, data.appendix), states=states)

    @posted()
    def decide(request: Request, form):
        data = _campaign()
        if data is None:
            raise UsageError("Dữ liệu đang có lỗi; sửa ở trang Tổng quan trước khi xem xét.")
        items = _queue(data)
        item = queue.pick(items, str(form.get("ma", "")))
        kind = str(form.get("quyet-dinh", ""))
        value = None
        if kind == decisions.CORRECTED:
            try:
                value = parse_number(str(form.get("gia-tri", "")))
            except (FigureError, ValueError) as exc:
                raise UsageError(f"Số đúng «{form.get('gia-tri', '')}» không đọc được: {exc}") from None
        record = data.returns.get(item.finding.unit)
        decision = decisions.decide(ws.data_dir, item.finding, kind, str(form.get("ghi-chu", "")), value,
                                    str(form.get("nguoi", "")).strip() or None,
                                    record.source.sha256 if record else "")
        back = str(form.get("quay-lai", "/xem-xet"))
        back = back if back.startswith("/xem-xet") else "/xem-xet"
        return done(site, back, f"Đã ghi quyết định «{decision.decision}» cho chỗ {item.finding.key[:8]} "
                                f"của {item.unit_name}. Bấm «Sinh văn bản» để báo cáo tổng hợp theo.")

    @posted()
    def change_state(request: Request, form):
        data = _campaign()
        if data is None:
            raise UsageError("Dữ liệu đang có lỗi; sửa ở trang Tổng quan trước khi xem xét.")
        unit = str(form.get("don-vi", ""))
        record = data.returns.get(unit)
        if record is None:
            raise HTTPException(404, "Đơn vị này chưa có báo cáo nào được nhận.")
        state = str(form.get("tinh-trang", ""))
        reason = str(form.get("ly-do", ""))
        if states.locked(ws.data_dir, unit) and state != states.APPROVED and not reason.strip():
            raise UsageError("Báo cáo đã duyệt: mở khóa cần ghi lý do.")
        states.change(ws.data_dir, unit, state, record.source.sha256, reason,
                      str(form.get("nguoi", "")).strip() or None)
        name = data.members[unit].name if unit in data.members else unit
        return done(site, "/xem-xet#tinh-trang", f"{name}: {state}.")

    def figures_page(request: Request):
        data = _campaign()
        if data is None:
            raise UsageError("Dữ liệu đang có lỗi; sửa ở trang Tổng quan trước.")
        items = _queue(data)
        traced = trace.trace(data, items)
        cell = request.query_params.get("o", "")
        chosen = next((t for t in traced if t.cell == cell), None)
        if cell and chosen is None:
            raise HTTPException(404, "Không có số liệu tổng hợp này.")
        names = {u.id: u.name for u in data.units}
        return site.page(request, "nguon-so-lieu.html", traced=traced, chosen=chosen, names=names,
                         returns=data.returns, name=lambda c: cell_name(data.appendix, c), shown=_shown)

    return [
        Route("/xem-xet", queue_page),
        Route("/xem-xet/quyet-dinh", decide, methods=["POST"]),
        Route("/xem-xet/tinh-trang", change_state, methods=["POST"]),
        Route("/xem-xet/nguon", figures_page),
    ]
