"""Chiến dịch: where the open campaign's folder is, a new campaign made (from the Party or the
state example, or from a kit a superior sent) and opened, a recent campaign opened again.

Only folders the person chose are ever opened: the ones listed as recent (made or opened in
the workspace, or given to ``vanban serve``) that still hold a campaign; a path typed into a
request is never read."""

from __future__ import annotations

import tempfile
from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.routing import Route

from ..app import recent
from ..base.exceptions import UsageError
from . import uploads
from .common import done

EXAMPLES = [("dang", "Chiến dịch mẫu của Đảng", "đợt sơ kết của một đảng ủy với các chi bộ, đảng bộ cơ sở"),
            ("nha-nuoc", "Chiến dịch mẫu của Nhà nước", "đợt sơ kết của một ủy ban nhân dân với các cơ quan, đơn vị"),
            ("bo-du-lieu", "Từ bộ dữ liệu cấp trên gửi (.zip)", "đơn vị có chi bộ trực thuộc sơ kết ở các chi bộ rồi gửi báo cáo lên")]


def routes(site, posted) -> list[Route]:
    ws = site.workspace

    def _remember_current() -> None:
        if recent.is_campaign(ws.data_dir) and recent.known(ws.data_dir) is None:
            recent.remember(ws.data_dir, ws.out_dir, ws.title())

    def start(request: Request, status: int = 200, typed: dict | None = None, message: str = ""):
        _remember_current()
        here = ws.data_dir.resolve()
        others = [r for r in recent.read() if r.data != here]
        exists = recent.is_campaign(ws.data_dir)
        return site.page(request, "bat-dau.html", status, current=ws.folder, current_title=ws.title()
                         if exists else "", exists=exists, others=others, examples=EXAMPLES,
                         parent=ws.folder.parent, typed=typed or {}, message=message)

    @posted(files=True)
    def create(request: Request, form):
        name = str(form.get("ten", "")).strip()
        example = str(form.get("mau", "dang"))
        typed = {"ten": name, "mau": example}
        if example not in {e for e, _, _ in EXAMPLES}:
            raise HTTPException(400, "Không có cách lập chiến dịch này.")
        try:
            if example == "bo-du-lieu":
                upload = form.get("kit")
                if upload is None or isinstance(upload, str) or not upload.filename:
                    raise UsageError("Hãy chọn tệp bộ dữ liệu (.zip) mà cấp trên gửi.")
                folder = ws.data_dir / ".vanban"
                folder.mkdir(parents=True, exist_ok=True)
                with tempfile.TemporaryDirectory(prefix="bo-du-lieu-", dir=folder) as tmp:
                    target = Path(tmp) / "bo-du-lieu.zip"
                    if not uploads.save(upload, target):
                        raise UsageError("Tệp bộ dữ liệu quá lớn.")
                    made = ws.start_from_kit(target, name)
            else:
                made = ws.start_from_example(name, example)
        except UsageError as exc:
            return start(request, 422, typed, str(exc))
        ws.open(made / "data", made / "out")
        return done(site, "/", f"Đã lập chiến dịch mới trong thư mục {made} và mở nó. Bước tiếp theo: "
                               "sửa dữ liệu ở trang Dữ liệu, danh sách ở trang Đơn vị, rồi bấm «Sinh văn bản».")

    @posted()
    def open_campaign(request: Request, form):
        chosen = recent.known(Path(str(form.get("folder", ""))) / "data") if form.get("folder") else None
        if chosen is None:
            raise HTTPException(404, "Chỉ mở được các chiến dịch có trong danh sách «Chiến dịch gần đây».")
        ws.open(chosen.data, chosen.out)
        return done(site, "/", f"Đã mở chiến dịch trong thư mục {chosen.folder}.")

    @posted(files=True)
    def from_kit(request: Request, form):
        """The older form of Tổng quan: a kit and a folder name (kept for its address)."""
        upload = form.get("kit")
        name = str(form.get("folder", "")).strip()
        if upload is None or isinstance(upload, str) or not upload.filename or not name:
            raise UsageError("Hãy chọn tệp bộ dữ liệu (.zip) và đặt tên thư mục cho chiến dịch mới.")
        folder = ws.data_dir / ".vanban"
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="bo-du-lieu-", dir=folder) as tmp:
            target = Path(tmp) / "bo-du-lieu.zip"
            if not uploads.save(upload, target):
                raise UsageError("Tệp bộ dữ liệu quá lớn.")
            made = ws.start_from_kit(target, name)
        recent.remember(made / "data", made / "out", made.name)
        return done(site, "/bat-dau", f"Đã lập chiến dịch của đơn vị trong thư mục {made} từ bộ dữ liệu "
                                      "cấp trên gửi; mở nó ở danh sách dưới đây.")

    return [
        Route("/bat-dau", start),
        Route("/bat-dau/lap", create, methods=["POST"]),
        Route("/mo-chien-dich", open_campaign, methods=["POST"]),
        Route("/bat-dau-tu-bo-du-lieu", from_kit, methods=["POST"]),
    ]
