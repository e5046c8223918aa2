"""The JSON API: the same operations as the pages, for scripts and checks."""

from __future__ import annotations

from dataclasses import asdict

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ..config import store
from ..base.exceptions import Cancelled, Problem
from . import uploads
from .pages import _date_field, download, out_file


def problem_json(p: Problem) -> dict:
    return {"file": p.file, "line": p.line, "place": p.place, "message": p.message,
            "level": p.level, "text": str(p)}


def routes(site) -> list[Route]:
    ws = site.workspace

    def status(request: Request):
        lines = ws.statuses()
        counts: dict[str, int] = {}
        for line in lines:
            counts[line.state] = counts.get(line.state, 0) + 1
        return JSONResponse({
            "units": [{"id": s.unit_id, "name": s.name, "level": s.level,
                       "deadline": s.deadline.isoformat(), "state": s.state,
                       "received": s.received.isoformat() if s.received else None} for s in lines],
            "counts": {"units": len(lines), **counts}})

    async def build(request: Request):
        await site.form(request)  # the CSRF check of a page's own call; a script sends the token
        try:
            report = await run_in_threadpool(ws.build, force=request.query_params.get("force") == "1")
        except Cancelled as exc:
            return JSONResponse({"error": str(exc), "cancelled": True}, status_code=409)
        return JSONResponse({"written": report.written, "unchanged": len(report.unchanged),
                             "removed": report.removed, "edited": report.edited,
                             "merged": [{"file": m.output, "inserted": m.inserted, "deleted": m.deleted,
                                         "conflicts": [c.where for c in m.conflicts]}
                                        for m in report.merged],
                             "kept": [{"file": n, "reason": r} for n, r in report.kept],
                             "locked": [{"file": n, "reason": r} for n, r in report.locked],
                             "warnings": [problem_json(p) for p in report.warnings]})

    async def build_cancel(request: Request):
        await site.form(request)
        return JSONResponse({"cancelled": ws.cancel()})

    def progress(request: Request):
        p = ws.progress
        return JSONResponse({"running": p.running, "done": p.done, "total": p.total,
                             "error": p.error, "busy": ws.busy})

    async def collect(request: Request):
        form = await site.form(request, files=True)
        files = [f for f in form.getlist("files") if not isinstance(f, str) and f.filename]
        if not files:
            return JSONResponse({"error": "Chưa gửi tệp nào (trường «files»)."}, status_code=422)
        results, report = await run_in_threadpool(
            uploads.take, ws, files, replace=form.get("replace") == "1",
            received=_date_field(str(form.get("received", ""))))
        return JSONResponse({
            "files": [{**asdict(r), "code": r.code} for r in results],
            "findings": [{"unit": u, "finding": f} for u, f in (report.findings if report else [])]})

    def files(request: Request):
        return download(out_file(ws, request.path_params["path"]))

    def problems(request: Request):
        found = ws.problems()
        return JSONResponse({"problems": [problem_json(p) for p in found],
                             "errors": sum(p.is_error for p in found)})

    def conflicts(request: Request):
        return JSONResponse({"conflicts": [{"kept": name, "unit": r.unit, "file": r.source.file}
                                           for name, r in ws.aside(store.CONFLICTS)]})

    return [
        Route("/api/status", status),
        Route("/api/build", build, methods=["POST"]),
        Route("/api/build/progress", progress),
        Route("/api/build/cancel", build_cancel, methods=["POST"]),
        Route("/api/collect", collect, methods=["POST"]),
        Route("/api/files/{path:path}", files),
        Route("/api/problems", problems),
        Route("/api/conflicts", conflicts),
    ]
