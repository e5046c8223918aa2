"""A clerk's whole campaign in a real browser (Debian's chromium through Playwright), from the
start page to the report to sign, without a terminal: the campaign made from the Party
example, its structure changed (a kind of unit, a row of a form — each previewed), a unit
added, the documents built, returns taken (one whose unit vanban cannot tell, placed by
hand), a conflict decided, the consolidated report's part written in the page beside the
units' words, the status downloaded as Excel. Each step is checked as the clerk sees it, and
in the files it leaves.

CI sets VANBAN_REQUIRE_BROWSER=1: there a missing browser fails the test instead of skipping it.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import docx
import pytest

from generator.config import store

sync_api = pytest.importorskip("playwright.sync_api")
from workspace_demo import CHROMIUM, browser, serving, unrecognised  # noqa: E402

if not Path(CHROMIUM).exists():
    if os.environ.get("VANBAN_REQUIRE_BROWSER"):
        raise RuntimeError(f"VANBAN_REQUIRE_BROWSER=1 mà không có {CHROMIUM} (gói chromium của Debian)")
    pytest.skip("chưa cài chromium (gói Debian «chromium»)", allow_module_level=True)


def note(page) -> str:
    """The confirmation the page shows after a change."""
    page.wait_for_selector("#da-xong")
    return page.inner_text("#da-xong")


def test_a_clerks_campaign_from_the_start_page_to_the_report(tmp_path):
    import fill_returns
    import openpyxl

    nothing = tmp_path / "may-van-phong" / "chua-co"          # `vanban serve` where there is no campaign yet
    with serving(nothing / "data", nothing / "out") as (base, token, ws), sync_api.sync_playwright() as pw:
        chromium = browser(pw)
        page = chromium.new_page(viewport={"width": 1366, "height": 768}, accept_downloads=True)
        page.on("dialog", lambda d: d.accept())

        # --- the start page: a campaign from the Party example, opened at once -------------------
        page.goto(f"{base}/?token={token}")
        assert page.url == f"{base}/bat-dau"
        assert "Chưa mở chiến dịch nào" in page.inner_text("main")
        page.fill("input[name=ten]", "Sơ kết văn hóa công sở 2021")
        page.check("input[name=mau][value=dang]")
        page.click("button:has-text('Lập và mở chiến dịch')")
        folder = tmp_path / "may-van-phong" / "so-ket-van-hoa-cong-so-2021"
        assert f"Đã lập chiến dịch mới trong thư mục {folder}" in note(page)
        assert page.url.startswith(f"{base}/?") and ws.data_dir == folder / "data"
        page.click("nav >> text=Chiến dịch")
        assert page.inner_text("#thu-muc") == str(folder)

        # --- the structure: a kind of unit, a row of a form; each previewed, then saved ----------
        page.click("nav >> text=Dữ liệu")
        page.fill("input[name='ten:unit_kinds']", "Đơn vị sự nghiệp")
        page.click("button:has-text('Thêm loại đơn vị')")
        assert page.inner_text("h1") == "Xem trước: Thêm loại đơn vị «Đơn vị sự nghiệp»"
        assert "Dữ liệu sau thay đổi này hợp lệ" in page.inner_text("#kiem-tra")
        page.click("button:has-text('Lưu thay đổi')")
        assert note(page).startswith("Đã lưu: thêm loại đơn vị «Đơn vị sự nghiệp»")
        page.click("nav.tabs >> text=Phụ lục")
        page.click("#o-tables-1 > summary .item-title")
        page.fill("input[name='ten:tables[1].rows']", "Số đảng viên mới kết nạp")
        page.click("button[value='them|tables[1].rows']")
        added = page.locator("ul.diff-lines li.ins").all_inner_texts()
        assert any("Số đảng viên mới kết nạp" in t for t in added)       # the new row, in the forms
        page.click("button:has-text('Lưu thay đổi')")
        assert "thêm dòng «Số đảng viên mới kết nạp»" in note(page)

        # --- a unit of the new kind, by names --------------------------------------------------------
        page.click("nav >> text=Đơn vị")
        page.fill("form[action='/don-vi/them'] input[name='u:name']", "Chi bộ Trường Chính trị tỉnh")
        page.select_option("form[action='/don-vi/them'] select[name='u:level']", label="Chi bộ cơ sở")
        page.select_option("form[action='/don-vi/them'] select[name='u:kind']", label="Đơn vị sự nghiệp")
        page.click("form[action='/don-vi/them'] button:has-text('Thêm')")
        assert "Đã thêm đơn vị «Chi bộ Trường Chính trị tỉnh»" in note(page)
        assert "Đơn vị sự nghiệp" in page.locator("table.units tbody tr").first.inner_text()

        # --- the documents ----------------------------------------------------------------------------
        page.click("nav >> text=Tổng quan")
        assert "cần sinh lại" in page.inner_text("#can-sinh-lai")
        page.click("button:has-text('Sinh văn bản')")
        page.wait_for_selector("#ket-qua-sinh")
        assert "Mọi văn bản đã theo đúng dữ liệu" in page.inner_text("#ket-qua-sinh")
        skeletons = ws.out_dir / "don-vi"
        new_unit = "chi-bo-truong-chinh-tri-tinh"
        assert (skeletons / f"{new_unit}.docx").is_file()

        # --- returns: three as sent, one whose unit cannot be told --------------------------------------
        names = {u.id: u.name for u in ws.loaded().data.units}
        chosen = [u for u in names if u != new_unit][:3]
        rng = random.Random(11)
        sent = []
        for unit in chosen:
            target = tmp_path / "tra-ve" / f"BC so ket - {unit}.docx"
            target.parent.mkdir(exist_ok=True)
            fill_returns.fill(skeletons / f"{unit}.docx", target, rng)
            fill_returns.write_words(target, target, rng, names[unit])
            sent.append(target)
        filled = tmp_path / "tra-ve" / "chinh-tri.docx"
        fill_returns.fill(skeletons / f"{new_unit}.docx", filled, rng)
        blind = unrecognised(filled, tmp_path / "tra-ve" / "Bao cao so ket (ban chinh thuc).docx")
        page.click("nav >> text=Nhận báo cáo")
        page.set_input_files("#tep-gui", [str(p) for p in sent + [blind]])
        page.fill("input[name=received]", "03/5/2021")
        page.click("button:has-text('Nhận các tệp')")
        page.wait_for_selector("table.results")
        states = page.locator("table.results tbody tr").all_inner_texts()
        assert sum("đã nhận" in s for s in states) == 3
        assert any("Bao cao so ket (ban chinh thuc).docx" in s and "không nhận ra đơn vị" in s for s in states)
        # placed by hand: the clerk knows whose it is
        held = page.locator("article.held")
        assert held.count() == 1
        held.locator("input[name=unit]").fill("Chi bộ Trường Chính trị tỉnh")
        held.locator("input[name=received]").fill("04/5/2021")
        held.locator("button:has-text('Nhận cho đơn vị này')").click()
        assert note(page) == ("Tệp đã gán cho «Chi bộ Trường Chính trị tỉnh»: đã nhận số liệu và phần viết, "
                              "ghi là đơn vị do người nhận chọn tay.")
        record = store.read_record(store.path_of(ws.data_dir, new_unit))
        assert record.source.identified_by == "chọn tay"
        assert record.source.file == "Bao cao so ket (ban chinh thuc).docx"

        # --- a conflict: the same unit sends another version ------------------------------------------
        second = tmp_path / "tra-ve-2" / "BC so ket (sua lai).docx"
        second.parent.mkdir()
        fill_returns.fill(skeletons / f"{chosen[0]}.docx", second, random.Random(99))
        page.set_input_files("#tep-gui", [str(second)])
        page.click("button:has-text('Nhận các tệp')")
        page.wait_for_selector("table.results")
        page.click("text=so sánh hai bản")
        assert page.locator("tr.differs").count() > 0
        page.click("button:has-text('Thay bằng bản mới')")
        assert note(page).startswith(f"Đã thay số liệu của «{names[chosen[0]]}» bằng bản mới")
        assert ws.loaded().data.returns[chosen[0]].source.file == "BC so ket (sua lai).docx"

        # --- the consolidated report's part written in the page, beside the units' words -----------
        page.click("nav >> text=Báo cáo tổng hợp")
        part = page.locator("#phan-I-1")
        assert "đơn vị đã viết" in part.locator("aside").inner_text()
        written = ("Các cấp ủy đã tổ chức quán triệt nghiêm túc, đầy đủ nghị quyết và chỉ thị đến "
                   "toàn thể cán bộ, đảng viên.")
        part.locator("textarea").fill(written)
        page.click("button:has-text('Lưu báo cáo tổng hợp')")
        assert note(page).startswith("Đã lưu lời viết ở 1 phần của báo cáo tổng hợp")
        page.click("nav >> text=Tổng quan")
        page.click("button:has-text('Sinh văn bản')")
        page.wait_for_selector("#ket-qua-sinh")
        page.click("nav >> text=Văn bản")
        with page.expect_download() as got:
            page.click("tr[data-output='bao-cao-tong-hop.docx'] a:has-text('Word')")
        report = tmp_path / "bao-cao-tong-hop.docx"
        got.value.save_as(report)
        paragraphs = [p.text for p in docx.Document(report).paragraphs]
        assert written in paragraphs

        # --- the status, downloaded as Excel ----------------------------------------------------------
        page.click("nav >> text=Đơn vị")
        with page.expect_download() as got:
            page.click("text=Tải bảng tình trạng (Excel)")
        status = tmp_path / "tinh-trang.xlsx"
        got.value.save_as(status)
        rows = {r[2]: r for r in openpyxl.load_workbook(status).active.iter_rows(values_only=True)}
        assert rows["Chi bộ Trường Chính trị tỉnh"][5] == "đã gửi"
        assert rows["Chi bộ Trường Chính trị tỉnh"][6] == "04/5/2021"
        assert rows[names[chosen[1]]][5] == "đã gửi"
        page.click(f"a:has-text('Chi bộ Trường Chính trị tỉnh')")
        assert "đơn vị do người nhận chọn tay" in page.inner_text("main")
        chromium.close()
