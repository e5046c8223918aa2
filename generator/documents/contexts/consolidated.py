"""The consolidated report (báo cáo tổng hợp): the issuer's report built from the figures the
units sent back, following the same outline, with every total computed."""

from __future__ import annotations

from markupsafe import Markup

from ...config import figures as fig
from ...formats import vnrules
from ..renderer import DocProperties
from ...model.schema import Consolidated, Signer, Table
from ...config.campaign import CampaignData
from ...config.layout import columns
from ..tables import Item, appendix_block, fit_widths, grid_xml, landscape, note_xml, page_width_cm
from .common import Prose, document_head, signature
from ...base.exceptions import WARNING, Problem
from .digest import OUTPUT as DIGEST, Digest
from .outline import outline_blocks, report_title
from ...config.structure import DRAFT, OPENING, key_advice, part_name

REPORT_NAME = "Báo cáo"


def default_report(data: CampaignData) -> Consolidated:
    """The report's settings when the data has no bao-cao-tong-hop.yaml: the plan's issuer
    and signer, unsigned."""
    plan = data.plan
    return Consolidated(issued_by=plan.issued_by,
                        signer=Signer(authority=plan.signer.authority, title=plan.signer.title,
                                      name=plan.signer.name, signed=False),
                        recipients=plan.recipients)


NOT_IN = "…"  # a figure of a sentence that no return has brought yet: a visible blank


def _num(value, decimals: int = 0) -> str:
    """A figure as a table prints it; a count that is not whole (a unit typed «12,5») keeps
    its decimals rather than being rounded into the total unseen."""
    if value is None or isinstance(value, bool):
        return ""
    if not decimals and isinstance(value, float) and not value.is_integer():
        decimals = 2
    return vnrules.figure(value, decimals)


def _rate(value) -> str:
    """A rate in a table: one decimal always, so that a column reads «64,0» beside «66,7»."""
    if value is None or isinstance(value, bool):
        return ""
    return vnrules.figure(value, 1, fixed=True)


def key_widths(figures: int, page_cm: float) -> list[float]:
    """The key figures' columns: the units' names get what a name needs (at most 8 cm), the
    figures share the rest (3 cm at least while that leaves the names 4 cm), so that their
    headers are not broken into a word a line."""
    label = min(8.0, max(4.0, page_cm - 1.0 - 3.0 * figures))
    value = (page_cm - 1.0 - label) / figures
    return [1.0, label] + [value] * figures


def _said(value, decimals: int = 0) -> str:
    """A figure in a sentence: the number, or a visible blank while it is not in."""
    return NOT_IN if value is None or isinstance(value, bool) else _num(value, decimals)


DOUBT = " (*)"   # after a figure that rests on a value still under review (severity «cao»)


class Totals:
    """The sums over the units that reported, and the functions prose uses to state them.

    Given the review queue (``review.queue``), a value a reviewer corrected is used in place
    of the typed one, and a figure resting on a value with an open finding of severity «cao»
    is marked «(*)» where it is printed."""

    def __init__(self, data: CampaignData, review=None):
        from ...review import queue

        self.data = data
        units = {u.id: u for u in data.units}
        items = review or []
        fixed = queue.corrections(items)
        counted = queue.consolidated_units(data)
        self.returns = [(units[uid], queue.apply_corrections(rec.figures, fixed.get(uid)))
                        for uid, rec in data.returns.items() if uid in units and uid in counted]
        self.left_out = len([u for u in data.returns if u in units]) - len(self.returns)
        self.tables = {t.id: t for t in data.appendix.tables}
        self.sums = {t.id: fig.consolidate(t, self.returns) for t in data.appendix.tables}
        self.open_high = queue.open_high(items)
        self.doubtful: set[tuple[str, str, str, str]] = {   # (unit, table, row, column)
            (i.finding.unit, *cell.split(".")) for i in self.open_high for cell in i.finding.cells
            if cell.count(".") == 2}
        self.doubtful_sums = {key[1:] for key in self.doubtful}

    def doubt(self, table: str, row: str, column: str, unit: str | None = None) -> str:
        """«(*)» when the figure at (table, row, column) — of ``unit``, or of the sum — rests
        on a doubtful value: the cell itself, or a cell its total or rate is made from."""
        if not self.doubtful:
            return ""
        t = self.tables[table]
        rows = {r.id: r for r in t.rows}
        cols = columns(t)
        row_parts = {row}
        own = rows.get(row)
        if own is not None and own.total:
            row_parts |= {r.id for r in t.rows if r.type == "count" and not r.total}
        if own is not None and own.type == "percent":
            from ...config.layout import formula_parts
            row_parts |= set(formula_parts(own) or ())
        col_parts = {column} | ({c.id for c in cols if not c.total}
                                if any(c.id == column and c.total for c in cols) else set())
        pool = self.doubtful_sums if unit is None else {k[1:] for k in self.doubtful if k[0] == unit}
        return DOUBT if any((table, r, c) in pool for r in row_parts for c in col_parts) else ""

    def _check(self, table: str, row: str, column: str | None = None) -> None:
        """A reference from prose to a table, row or column that does not exist is an error."""
        if table not in self.tables:
            raise ValueError(f"không có phụ lục «{table}»; có: {', '.join(self.tables)}")
        rows = [r.id for r in self.tables[table].rows]
        if row not in rows:
            raise ValueError(f"phụ lục «{table}» không có dòng «{row}»; có: {', '.join(rows)}")
        cols = [c.id for c in columns(self.tables[table])]
        if column is not None and column not in cols:
            raise ValueError(f"phụ lục «{table}» không có cột «{column}»; có: {', '.join(cols)}")

    def _value(self, table: str, row: str, column: str | None):
        self._check(table, row, column)
        result = self.sums[table]["values"].get(row, {})
        if column is None:
            cols = columns(self.tables[table])
            column = next((c.id for c in cols if c.total), cols[0].id)
        return result.get(column)

    def _answers(self, table: str, row: str, what: str) -> int:
        self._check(table, row)
        return self.sums[table][what].get(row, 0)

    def _count(self, table: str, row: str, what: str) -> str:
        """A count of answers for a sentence: a visible blank while no unit asked has reported."""
        if not self._answers(table, row, "asked"):
            return NOT_IN
        return vnrules.figure(self._answers(table, row, what))

    def _yes_share(self, table: str, row: str) -> str:
        answered = self._answers(table, row, "answered")
        return vnrules.share(self._answers(table, row, "yes"), answered) if answered else NOT_IN

    def _share(self, table: str, row: str, column: str | None) -> str:
        value = self._value(table, row, column)
        return NOT_IN if value is None else vnrules.percent(value)

    def _marked(self, text: str, table: str, row: str, column: str | None) -> str:
        if text == NOT_IN or not self.doubtful:
            return text
        if column is None:
            cols = columns(self.tables[table])
            column = next((c.id for c in cols if c.total), cols[0].id)
        return text + self.doubt(table, row, column)

    def functions(self) -> dict:
        """``total('pl1', 'r3')`` → ``1.234``; ``share('pl1', 'r6')`` → ``85,5%``;
        ``yes('pl3', 'quy-che')`` → ``30``; ``answered(…)`` → ``36`` (units that answered
        «Có» or «Không»); ``blank(…)`` → ``3`` (units that left it blank); ``asked(…)`` → ``39``;
        ``yes_share(…)`` → ``83,3%`` (of those who answered)."""
        return {
            "total": lambda t, r, c=None: self._marked(_said(self._value(t, r, c)), t, r, c),
            "share": lambda t, r, c=None: self._marked(self._share(t, r, c), t, r, c),
            "yes": lambda t, r: self._count(t, r, "yes"),
            "answered": lambda t, r: self._count(t, r, "answered"),
            "blank": lambda t, r: self._count(t, r, "blank"),
            "asked": lambda t, r: self._count(t, r, "asked"),
            "yes_share": lambda t, r: self._yes_share(t, r),
        }

    def table_item(self, table: Table, profile) -> Item:
        """A table summed over every unit, in its own shape (yes/no tables: how many «Có», of
        how many, and the share)."""
        result = self.sums[table.id]
        cols = columns(table)
        rows = table.rows
        wide = landscape(table)
        if all(r.type == "yesno" for r in rows):
            headers = ["TT", table.label_title, "Số đơn vị trả lời «Có»", "Số đơn vị đã trả lời",
                       "Số đơn vị để trống", "Tỷ lệ «Có» (%)"]
            body = [[str(i), r.label, _num(result["yes"][r.id]), _num(result["answered"][r.id]),
                     _num(result["blank"][r.id]),
                     _rate(fig.ratio(result["yes"][r.id], result["answered"][r.id]))]
                    for i, r in enumerate(rows, 1)]
            widths = fit_widths(5.0, [2.3, 2.3, 2.0, 2.0], page_width_cm(profile, False))
            return Item(table.title, grid_xml(headers, body, widths, caption=f"vanban:{table.id}"), False)
        with_unit = any(r.unit for r in rows)
        headers = ["TT", table.label_title] + (["Đơn vị tính"] if with_unit else []) + [c.title for c in cols]
        body, number = [], 0
        for row in rows:
            if not row.total:
                number += 1
            cells = ["" if row.total else str(number), row.label] + ([row.unit or ""] if with_unit else [])
            for col in cols:
                if row.type == "yesno":
                    cells.append(vnrules.yes_count(result["yes"][row.id], result["answered"][row.id],
                                                   result["blank"][row.id]))
                else:
                    value = result["values"].get(row.id, {}).get(col.id)
                    shown = _rate(value) if row.type == "percent" else _num(value)
                    cells.append(shown + self.doubt(table.id, row.id, col.id) if shown else shown)
            body.append(cells)
        value_cm = 1.9 if len(cols) >= 5 else 2.4
        widths = fit_widths(4.0, ([1.9] if with_unit else []) + [value_cm] * len(cols),
                            page_width_cm(profile, wide))
        total_last = bool(rows) and rows[-1].total
        xml = grid_xml(headers, body, widths, total_last=total_last, caption=f"vanban:{table.id}")
        return Item(table.title, xml + "".join(note_xml(n) for n in self.rate_notes(table)), wide)

    def rate_notes(self, table: Table) -> list[str]:
        """Said under a table: a rate worked out over fewer units than reported it, because
        some gave only one of its two figures."""
        out = []
        rows = {r.id: r for r in table.rows}
        for row_id, cols in self.sums[table.id].get("basis", {}).items():
            worst = max(cols.values(), key=lambda b: b[1], default=(0, 0))
            if worst[1]:
                out.append(f"Tỷ lệ «{rows[row_id].label}» tính trên {vnrules.figure(worst[0])} đơn vị "
                           f"ghi đủ cả hai số; {vnrules.figure(worst[1])} đơn vị chỉ ghi một trong hai "
                           "số không được tính vào tỷ lệ.")
        if self.doubtful_sums and any(k[0] == table.id for k in self.doubtful_sums):
            out.append("(*) Số liệu dựa trên số của đơn vị còn chỗ cần xem lại mức «cao» chưa quyết định.")
        return out

    def key_figures_item(self, profile) -> Item | None:
        """One row per unit that reported, for the key figures, ending with «Tổng cộng»
        (percentages recomputed from the summed figures, never averaged)."""
        spec = self.data.appendix.key_figures
        if spec is None:
            return None
        table = self.tables[spec.table]
        rows = {r.id: r for r in table.rows}
        col = columns(table)[0].id
        headers = ["TT", "Đơn vị"] + [rows[r].label + (f" ({rows[r].unit})" if rows[r].unit else "")
                                      for r in spec.rows]
        body = []
        for i, (unit, figures) in enumerate(self._in_unit_order(), 1):
            full = fig.computed(table, figures.get(table.id, {}), unit)
            body.append([str(i), unit.name] + [
                (_rate if rows[r].type == "percent" else _num)(full.get(r, {}).get(col))
                + self.doubt(table.id, r, col, unit.id) for r in spec.rows])
        totals = self.sums[table.id]["values"]
        body.append(["", "Tổng cộng"] + [
            (_rate if rows[r].type == "percent" else _num)(totals.get(r, {}).get(col))
            + self.doubt(table.id, r, col) for r in spec.rows])
        wide = len(spec.rows) >= 5
        widths = key_widths(len(spec.rows), page_width_cm(profile, wide))
        return Item(spec.title, grid_xml(headers, body, widths, total_last=True,
                                         caption="vanban:key-figures"), wide)

    def _in_unit_order(self):
        order = {u.id: i for i, u in enumerate(self.data.units)}
        return sorted(self.returns, key=lambda pair: order[pair[0].id])

    def missing_item(self, profile) -> Item:
        """The units that have not sent their report."""
        rows = []
        for member in self.data.members.values():
            if member.id in self.data.returns:
                continue
            rows.append([str(len(rows) + 1), member.name, member.level.name,
                         vnrules.short_date(member.deadline)])
        if not rows:
            rows = [["", "Tất cả các đơn vị đã gửi báo cáo", "", ""]]
        widths = fit_widths(6.0, [3.5, 2.5], page_width_cm(profile, False))
        return Item("Danh sách đơn vị chưa gửi báo cáo",
                    grid_xml(["TT", "Đơn vị", "Cấp", "Hạn gửi"], rows, widths,
                             caption="vanban:missing"), False)


def draft_part(key: str, wrote: int, hint: str, who: str = "đơn vị") -> dict:
    """The mark under a part nobody has written yet, in a report vanban writes: where the
    units' words on it are to be read, and the outline's guidance; never a figure or words
    the reader could take for the report's own."""
    where = (f" {vnrules.figure(wrote)} {who} đã viết về phần này: đọc ở phần {part_name(key)} của "
             f"{DIGEST}." if wrote else "")
    return {"style": "guidance", "text": DRAFT + where + (f" Gợi ý: {hint}" if hint else "") + "]"}


def unwritten_mark(keys: list[str]) -> str:
    """The line at the top of a report vanban writes while some of its parts are unwritten
    (the report sent up): gone by itself once they are written, never a note to delete."""
    return (f"DỰ THẢO — còn {vnrules.figure(len(keys))} phần chưa viết "
            f"({', '.join(part_name(k) for k in keys)}). Chưa phải bản để ký.")


def opening_sentence(data: CampaignData, issued_by: str, counts: dict) -> str:
    """The report's first sentence when its data gives none: what it answers and how many
    units it is made from."""
    from .common import plan_symbol

    plan = data.plan
    reference = vnrules.reference(plan.doc_name, plan_symbol(data), plan.date, data.profile)
    said = ([f"{counts['late']} đơn vị gửi muộn"] if counts["late"] not in ("0", "") else []) \
        + ([f"{counts['missing']} đơn vị chưa gửi — danh sách kèm theo"]
           if counts["missing"] not in ("0", "") else [])
    if counts["reported"] in ("0", ""):   # never «đã có 0/49», nor «0 đơn vị gửi muộn»
        return (f"Thực hiện {reference} của {plan.issued_by}, đến nay chưa có đơn vị nào gửi báo cáo "
                f"({counts['units']} đơn vị chưa gửi — danh sách kèm theo). {issued_by} tổng hợp kết "
                "quả như sau:")
    return (f"Thực hiện {reference} của {plan.issued_by}, đến nay đã có {counts['reported']}/"
            f"{counts['units']} đơn vị gửi báo cáo" + (f" ({', '.join(said)})" if said else "")
            + f". {issued_by} tổng hợp kết quả như sau:")


def draft_mark(open_high: int) -> str:
    return (f"DỰ THẢO — còn {vnrules.figure(open_high)} chỗ số liệu mức «cao» chưa được xem xét "
            "(lệnh «vanban review»); số có dấu (*) dựa trên các số liệu ấy. "
            "Chưa phải bản để ký.")


def consolidated_context(data: CampaignData, outline_prose: Prose,
                         report_prose: Prose | None, review=None) -> tuple[dict, DocProperties]:
    c, profile = data.campaign, data.profile
    from ...review import queue

    report = data.consolidated or default_report(data)
    prose = report_prose or outline_prose
    totals = Totals(data, review if review is not None else queue.build(data, data.folder))
    late = sum(1 for uid in data.returns if uid in data.members and data.late(uid))
    received = len(totals.returns) + totals.left_out     # every return received, counted or not
    counts = {"reported": _num(received), "units": _num(len(data.units)),
              "late": _num(late), "missing": _num(len(data.units) - received)}
    values = {**totals.functions(), **counts}
    unwritten: list[str] = []
    digest = Digest(data)   # the units' words are counted here, read in the digest, never copied

    def after(key: str, node, loc: tuple) -> list[dict]:
        blocks = [{"style": "body", "text": outline_prose(text, loc + ("consolidated", k), values)}
                  for k, text in enumerate(node.consolidated)]
        written = report.narrative.get(key)
        if written:
            blocks += [{"style": "body", "text": prose(t, ("narrative", key, k), values)}
                       for k, t in enumerate(written)]
        elif not node.items:
            unwritten.append(key)
            hint = " ".join(outline_prose(g, loc + ("guidance", k)) for k, g in enumerate(node.guidance))
            blocks.append(draft_part(key, digest.count(key), hint))
        return blocks

    year = (report.date or c.final_deadline).year
    issuer = c.issuer
    number = vnrules.number_line(report.number, report.type, issuer.symbol, profile)
    place_date = (vnrules.full_date(report.date, issuer.place) if report.date
                  else vnrules.blank_date(year, issuer.place))
    header = vnrules.header(superior=issuer.superior, issuer_lines=issuer.header_lines or [issuer.name],
                            number=number, place_date=place_date, profile=profile)
    summary = report_title(data, outline_prose)
    if profile.texts.summary_capitalize:
        summary = vnrules.capitalize_first(summary)
    body = [{"style": "body", "text": prose(t, ("intro", i), values)} for i, t in enumerate(report.intro)]
    if not body:   # a report opens with what it answers, even when its data says nothing
        body = [{"style": "body", "text": opening_sentence(data, report.issued_by, counts)}]
    if report.approved_only:
        body.insert(0, {"style": "note", "text": (
            f"Số liệu tổng hợp từ {vnrules.figure(len(totals.returns))} báo cáo đã duyệt trên "
            f"{vnrules.figure(len(totals.returns) + totals.left_out)} báo cáo đã nhận.")})
    if totals.open_high:   # the signing gate: a draft while a serious doubt is undecided
        body.insert(0, {"style": "deadline_note", "text": draft_mark(len(totals.open_high))})
    body += outline_blocks(data.outline, outline_prose, profile, after=after, marked=True)
    if unwritten:  # said to the office on the command line, never in the document
        outline_prose.problems.append(Problem(
            "bao-cao-tong-hop.yaml", None, "narrative",
            f"báo cáo tổng hợp còn {len(unwritten)} phần chưa viết ({', '.join(part_name(k) for k in unwritten)}): "
            + key_advice(unwritten), WARNING))
    symbol = vnrules.symbol(report.number, report.type, issuer.symbol, profile)
    date_text = vnrules.short_date(report.date) if report.date else vnrules.blank_day(year)
    reference = vnrules.attached_to(REPORT_NAME, symbol, date_text, report.issued_by, profile)
    items = [totals.table_item(t, profile) for t in data.appendix.tables]
    key = totals.key_figures_item(profile)
    if key:
        items.append(key)
    items.append(totals.missing_item(profile))
    context = {
        **document_head(header, REPORT_NAME, summary, profile, body),
        "recipients_label": profile.texts.recipients_label,
        "recipients": vnrules.recipients(report.recipients, profile),
        "signature": signature(data, report.signer),
        "appendices": Markup(appendix_block(items, reference, profile)),
    }
    props = DocProperties(title=f"{REPORT_NAME} {summary}", subject="Báo cáo tổng hợp",
                          creator=issuer.name, created=report.date or data.plan.date, keywords=c.id)
    return context, props
