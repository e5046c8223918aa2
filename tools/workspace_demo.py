"""The web workspace running in this process, for the tests, the screenshots and the bench.

    python tools/workspace_demo.py SHOTS_DIR      # screenshots of every page at 1366×768

``serving(data, out)`` starts ``vanban serve``'s application on a free loopback port in a
thread and yields its address and token; ``filled_returns`` fills skeletons as a Word user
would (``fill_returns.py``).
"""

from __future__ import annotations

import contextlib
import random
import shutil
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@contextlib.contextmanager
def serving(data: Path, out: Path, token: str = "demo-token"):
    import uvicorn

    from generator.web.app import create_app
    from generator.web.server import HOST, free_port
    from generator.app.workspace import Workspace

    workspace = Workspace(data, out)
    app = create_app(workspace, token)
    port = free_port(0)
    server = uvicorn.Server(uvicorn.Config(app, host=HOST, port=port, log_level="error",
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    try:
        yield f"http://{HOST}:{port}", token, workspace
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def filled_returns(out: Path, target: Path, units: list[str], seed: int = 7,
                   names: dict[str, str] | None = None) -> list[Path]:
    """Each unit's skeleton filled as a Word user fills it: figures, and — given the units'
    ``names`` — words under the parts of the outline."""
    import fill_returns

    rng = random.Random(seed)
    target.mkdir(parents=True, exist_ok=True)
    made = []
    for unit in units:
        path = target / f"BC so ket - {unit}.docx"
        fill_returns.fill(out / "don-vi" / f"{unit}.docx", path, rng)
        if names:
            fill_returns.write_words(path, path, rng, names[unit])
        made.append(path)
    return made


def unrecognised(source: Path, target: Path, header: str = "CHI BỘ CHƯA CÓ TRONG DANH SÁCH") -> Path:
    """A filled return whose unit vanban cannot tell: its properties removed (as Word's
    *Inspect Document* does) and its header naming a unit not in the list."""
    import zipfile

    import docx
    from lxml import etree

    document = docx.Document(source)
    cell = document.tables[0].cell(0, 0)
    named = cell.paragraphs[1]                 # the committee's line, under the superior's
    for run in named.runs[1:]:
        run.text = ""
    named.runs[0].text = header
    middle = target.with_suffix(".tmp.docx")
    document.save(middle)
    with zipfile.ZipFile(middle) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "docProps/custom.xml":
                continue
            if item.filename in ("_rels/.rels", "[Content_Types].xml"):
                root = etree.fromstring(data)
                for el in list(root):
                    if "docProps/custom.xml" in (el.get("Target", "") + el.get("PartName", "")):
                        root.remove(el)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            dst.writestr(item.filename, data)
    middle.unlink()
    return target


# the pages shot as they are, after the returns and the build (path, file name)
PAGES = [("/bat-dau", "bat-dau"),
         ("/du-lieu?tep=chien-dich.yaml&mo=levels%5B1%5D#o-levels-1-report-deadline", "du-lieu"),
         ("/du-lieu?tep=ke-hoach.yaml#o-summary", "du-lieu-ke-hoach"),
         ("/du-lieu?tep=de-cuong.yaml", "du-lieu-de-cuong"),
         ("/du-lieu?tep=phu-luc.yaml&mo=tables%5B1%5D#o-tables-1", "du-lieu-phu-luc"),
         ("/don-vi", "don-vi"), ("/don-vi?tim=tai+chinh", "don-vi-tim"),
         ("/van-ban", "van-ban"), ("/van-ban/xem/ke-hoach.docx", "xem-van-ban"),
         ("/y-kien?phan=II.1.a", "y-kien"), ("/van-ban/xem/tong-hop-y-kien.docx", "xem-tong-hop-y-kien"),
         ("/bao-cao-tong-hop#phan-I-1", "bao-cao-tong-hop")]


def browser(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def screenshots(shots: Path) -> None:
    """Every page of the example campaign, with returns taken (one whose unit vanban cannot
    tell), a conflict, a change of the forms previewed and a unit list imported, at 1366×768."""
    import os
    import tempfile

    from playwright.sync_api import sync_playwright

    from generator.app import main as pipeline

    shots.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        os.environ["XDG_CONFIG_HOME"] = str(root / "cau-hinh")   # the person's own list untouched
        data, out = root / "so-ket-2021" / "data", root / "so-ket-2021" / "out"
        shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("bao-cao", ".*"))
        pipeline.build(data, out)
        units = sorted(p.stem for p in (out / "don-vi").glob("*.docx"))
        from generator.config.validate import load_campaign

        names = {u.id: u.name for u in load_campaign(data).units}
        first = filled_returns(out, root / "tra-ve", units[:20], names=names)
        again = filled_returns(out, root / "tra-ve-2", units[:1], seed=99)
        blind = filled_returns(out, root / "tra-ve-3", units[20:21], seed=5)[0]
        blind = unrecognised(blind, root / "tra-ve-3" / "Bao cao so ket (ban ky).docx")
        import openpyxl

        book = openpyxl.Workbook()
        book.active.append(["Tên đơn vị", "Cấp", "Loại"])
        for row in (["Chi bộ Trường Chính trị tỉnh", "Chi bộ cơ sở", "Cơ quan, đơn vị"],
                    ["Chi bộ Công ty Điện lực Hà Tĩnh", "Chi bộ cơ sở", "Doanh nghiệp"],
                    ["Chi bộ Ban Quản lý dự án", "Cấp xã", "Cơ quan, đơn vị"]):
            book.active.append(row)
        book.save(root / "danh-sach-moi.xlsx")
        with serving(data, out) as (base, token, _), sync_playwright() as pw:
            b = browser(pw)
            page = b.new_page(viewport={"width": 1366, "height": 768})
            page.goto(f"{base}/?token={token}")
            page.goto(f"{base}/nhan-bao-cao")
            for batch, received in ((first[:15], "03/5/2021"), (first[15:], "12/5/2021"), (again + [blind], "")):
                page.set_input_files("#tep-gui", [str(p) for p in batch])
                page.fill("input[name=received]", received)     # on time, late, today
                page.click("text=Nhận các tệp")
                page.wait_for_selector("table.results")
            page.screenshot(path=str(shots / "nhan-bao-cao.png"))
            page.goto(f"{base}/nhan-bao-cao#chua-ro")
            page.screenshot(path=str(shots / "nhan-bao-cao-chua-ro.png"))
            page.goto(f"{base}/nhan-bao-cao")
            page.click("#h-xd ~ ul a")
            page.screenshot(path=str(shots / "xung-dot.png"))
            page.goto(f"{base}/")
            page.click("button:has-text('Sinh văn bản')")
            page.wait_for_selector("#ket-qua-sinh")
            page.screenshot(path=str(shots / "tong-quan.png"))
            page.screenshot(path=str(shots / "tong-quan-ca-trang.png"), full_page=True)
            for path, name in PAGES + [(f"/don-vi/{units[0]}", "don-vi-chi-tiet")]:
                page.goto(base + path)
                page.screenshot(path=str(shots / f"{name}.png"))
            page.goto(f"{base}/du-lieu?tep=phu-luc.yaml&mo=tables%5B1%5D")
            page.fill("input[name='ten:tables[1].rows']", "Số đảng viên mới kết nạp")
            page.click("button[value='them|tables[1].rows']")
            page.wait_for_selector("ul.diff-lines")
            page.screenshot(path=str(shots / "thay-doi.png"))
            page.goto(f"{base}/don-vi")
            page.set_input_files("#tep-danh-sach", str(root / "danh-sach-moi.xlsx"))
            page.click("button:has-text('Xem trước')")
            page.wait_for_selector("#tom-tat")
            page.screenshot(path=str(shots / "nhap-don-vi.png"))
            b.close()


if __name__ == "__main__":
    screenshots(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "anh")
