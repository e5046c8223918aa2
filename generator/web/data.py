"""Dữ liệu: the campaign's data files as forms — every value by its Vietnamese name, choices
by name, the lists whose items are added, removed and moved (each such change previewed in
the documents it affects before it is written), a confirmation after every change, undo.

Routes read the request, call the engine (``form``, ``editing``, ``restructure``, the
workspace's ``preview``/``apply``) and render a template."""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..app import editing, form, restructure
from ..base.exceptions import DataError, UsageError
from . import views
from .common import done, notes_of

CHANGES_KEPT = 50


def _values(form_data, prefix: str) -> dict[str, str]:
    """The form's fields named ``prefix…``: a field sent several times (the boxes of a
    choice of several, the two rows of a rate) joined by new lines."""
    out: dict[str, list[str]] = {}
    for k, v in form_data.multi_items():
        if k.startswith(prefix) and isinstance(v, str):
            out.setdefault(k[len(prefix):], []).append(v)
    return {k: v[0] if len(v) == 1 else "\n".join(x for x in v if x) for k, v in out.items()}


def routes(site, posted) -> list[Route]:
    ws = site.workspace
    notes_of(site)
    changes: OrderedDict[str, dict] = OrderedDict()   # a change of shape waiting for «Lưu»
    guard = threading.Lock()

    def _attach(group, by_key: dict) -> None:
        """Each problem shown at its field."""
        for f in form.flatten(group):
            f.problems = by_key.get(f.key, [])

    def data_page(request: Request, name: str, values=None, problems=None, stale: str | None = None,
                  status: int = 200, clashes=None):
        if name not in views.DATA_PAGES:
            raise HTTPException(404, "Không có phần dữ liệu này.")
        path = ws.data_dir / name
        all_problems = problems if problems is not None else ws.problems()
        mine = [p for p in all_problems if p.file == name]
        tree, unreadable, inserts, previews = None, "", [], {}
        if path.is_file():
            try:
                tree = form.tree(path, name)
            except Exception:
                unreadable = (f"Phần dữ liệu «{form.FILE_NAMES.get(name, name)}» hiện không đọc được "
                              "(tệp bị sửa sai ở ngoài vanban); xem lỗi dưới đây.")
        loose = list(mine)
        if tree is not None:
            fields = form.flatten(tree)
            for f in fields:
                f.original = f.value                 # what the file holds: the form's base
                if values is not None and f.key in values:
                    f.value = values[f.key]
            by_key: dict[str, list] = {}
            for p in mine:
                by_key.setdefault(p.place, []).append(p)
            _attach(tree, by_key)
            shown_keys = {f.key for f in fields}
            loose = [p for p in mine if p.place not in shown_keys]
            renderer = ws.prose()
            if renderer is not None:
                try:
                    inserts = form.insertable(ws.loaded().data, renderer.render, name)
                except DataError:
                    inserts = []
                for f in fields:
                    if f.prose and "{{" in f.value:
                        try:
                            previews[f.key] = renderer.render(f.value)
                        except Exception as exc:
                            previews[f.key] = f"(chưa đọc được: {views.plain(str(exc))})"
        opened = request.query_params.get("mo", "")
        return site.page(request, "du-lieu.html", status, name=name, files=views.DATA_PAGES,
                         names=form.FILE_NAMES, tree=tree, loose=loose, unreadable=unreadable,
                         version=editing.version(path), inserts=inserts, previews=previews,
                         stale=stale, clashes=clashes or {}, opened=opened,
                         asked=lambda key: restructure.asked(name, key),
                         can_undo=editing.can_undo(ws.data_dir, name))

    def data(request: Request):
        return data_page(request, request.query_params.get("tep", "chien-dich.yaml"))

    @posted()
    def data_save(request: Request, form_data):
        name = str(form_data.get("tep", ""))
        if name not in editing.EDITABLE:
            raise HTTPException(404, "Phần dữ liệu này không sửa được ở đây.")
        values = _values(form_data, "f:")
        originals = _values(form_data, "o:")
        try:
            problems = ws.save_fields(name, values, str(form_data.get("version", "")), originals or None)
        except editing.Stale as exc:
            # the form made anew from the file as it is now, the person's own changes over it
            mine = {k: v for k, v in values.items() if k not in originals or v != originals[k]}
            return data_page(request, name, values=mine, stale=str(exc).replace(
                f"Tệp {name}", f"Phần «{form.FILE_NAMES.get(name, name)}»"), status=409,
                clashes={c.key: c for c in exc.clashes})
        if editing.blocking(problems, name, None):
            return data_page(request, name, values=values, problems=problems, status=422)
        return done(site, f"/du-lieu?tep={quote(name)}",
                    f"Đã lưu «{form.FILE_NAMES.get(name, name)}». Bấm «Sinh văn bản» ở trang Tổng quan "
                    "để các văn bản theo dữ liệu mới.")

    @posted()
    def data_undo(request: Request, form_data):
        name = str(form_data.get("tep", ""))
        target = "/don-vi" if name == editing.UNITS_FILE else f"/du-lieu?tep={quote(name)}"
        if name == editing.REPORT_FILE and form_data.get("ve") == "bao-cao":
            target = "/bao-cao-tong-hop"
        try:
            ws.undo(name)
        except editing.Nothing as exc:
            return done(site, target, str(exc), "info")
        return done(site, target, f"Đã hoàn tác lần lưu trước: «{form.FILE_NAMES.get(name, name)}» "
                                  "trở lại như trước lần lưu ấy.")

    @posted()
    def preview(request: Request, form_data):
        renderer = ws.prose()
        if renderer is None:
            return Response("(dữ liệu đang có lỗi nên chưa xem trước được; xem trang Tổng quan)",
                            status_code=422, media_type="text/plain; charset=utf-8")
        try:
            text = renderer.render(str(form_data.get("text", "")))
            return Response(text, media_type="text/plain; charset=utf-8")
        except Exception as exc:
            return Response(f"(chưa đọc được: {views.plain(str(exc))})", status_code=422,
                            media_type="text/plain; charset=utf-8")

    # --- the shape of the data: an item added, removed, moved; previewed first --------------

    @posted()
    def shape(request: Request, form_data):
        name = str(form_data.get("tep", ""))
        op, _, key = str(form_data.get("op", "")).partition("|")
        title = str(form_data.get(f"ten:{key}", ""))
        kind = str(form_data.get(f"loai:{key}", ""))
        back = f"/du-lieu?tep={quote(name)}"
        try:
            change = restructure.propose(ws.data_dir, name, op, key, title, kind)
        except UsageError as exc:
            return done(site, back + (f"&mo={quote(key)}#{views.field_id(key)}" if key else ""),
                        str(exc), "error")
        made = secrets.token_urlsafe(9)
        with guard:
            changes[made] = {"change": change, "preview": None}
            while len(changes) > CHANGES_KEPT:
                changes.popitem(last=False)
        return RedirectResponse(f"/du-lieu/thay-doi/{made}", 303)

    def _waiting(made: str) -> dict:
        with guard:
            waiting = changes.get(made)
        if waiting is None:
            raise HTTPException(404, "Thay đổi này không còn (đã lưu, đã bỏ, hoặc vanban đã chạy lại); "
                                     "hãy làm lại từ trang Dữ liệu.")
        return waiting

    def change_page(request: Request):
        made = request.path_params["change"]
        waiting = _waiting(made)
        change = waiting["change"]
        outdated = editing.version(ws.data_dir / change.name) != change.expected
        if waiting["preview"] is None and not outdated:
            waiting["preview"] = ws.preview(change)
        return site.page(request, "thay-doi.html", change=change, made=made, shown=waiting["preview"],
                         outdated=outdated, names=form.FILE_NAMES, units=views.unit_names(ws))

    @posted()
    def change_decide(request: Request, form_data):
        made = request.path_params["change"]
        waiting = _waiting(made)
        change = waiting["change"]
        back = f"/du-lieu?tep={quote(change.name)}"
        if form_data.get("choice") != "luu":
            with guard:
                changes.pop(made, None)
            return done(site, back, f"Đã bỏ, không thay đổi: {change.words[:1].lower()}{change.words[1:]}.",
                        "info")
        try:
            problems = ws.apply(change)
        except editing.Stale:
            return done(site, f"/du-lieu/thay-doi/{made}", "Dữ liệu vừa được sửa ở nơi khác nên chưa ghi "
                        "thay đổi này; hãy bỏ nó rồi làm lại từ trang Dữ liệu.", "error")
        stopped = editing.blocking(problems, change.name, ws.problems())
        if stopped:
            waiting["preview"] = None
            return done(site, f"/du-lieu/thay-doi/{made}", "Chưa ghi: dữ liệu sau thay đổi này sẽ có lỗi "
                        "(xem dưới đây).", "error")
        with guard:
            changes.pop(made, None)
        target = back
        if change.op != restructure.REMOVE:
            target += f"&mo={quote(change.key)}#{views.field_id(change.key)}"
        return done(site, target, f"Đã lưu: {change.words[:1].lower()}{change.words[1:]}. Bấm «Sinh văn "
                                  "bản» ở trang Tổng quan để các văn bản theo dữ liệu mới.")

    return [
        Route("/du-lieu", data),
        Route("/du-lieu/luu", data_save, methods=["POST"]),
        Route("/du-lieu/hoan-tac", data_undo, methods=["POST"]),
        Route("/du-lieu/xem-truoc", preview, methods=["POST"]),
        Route("/du-lieu/cau-truc", shape, methods=["POST"]),
        Route("/du-lieu/thay-doi/{change}", change_page),
        Route("/du-lieu/thay-doi/{change}", change_decide, methods=["POST"]),
    ]
