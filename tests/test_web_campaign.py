"""A campaign run from the pages without a terminal, over HTTP: started from the start page,
its structure changed (each change previewed in the documents it changes, refused when
``vanban check`` would find an error), the consolidated report written in the page, a return
whose unit cannot be told assigned by hand, units imported row by row, long lists searched and
paged, the status downloaded as Excel — and every change answered by a redirect to a page that
says what was done. What is asserted is what a clerk sees, and what is left in the files."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import docx
import pytest

pytest.importorskip("starlette")

from test_web import BASE, CSRF, TOKEN, returns_for, site, text_of, upload  # noqa: E402,F401

from generator.intake import collect
from generator.app import editing, main as pipeline, recent
from generator.config import store  # noqa: E402
from generator.intake.returns import BY_HAND  # noqa: E402
from generator.web.app import create_app  # noqa: E402
from generator.app.workspace import Workspace  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402
from conftest import DATA  # noqa: E402
from workspace_demo import unrecognised  # noqa: E402


def follow(client, answer) -> str:
    """The page a change's redirect leads to, as a reader sees it."""
    assert answer.status_code == 303, text_of(answer.text)[:400]
    return text_of(client.get(answer.headers["location"]).text)


def said(client, answer) -> str:
    """The confirmation a change's redirect leads to."""
    assert answer.status_code == 303, text_of(answer.text)[:400]
    html = client.get(answer.headers["location"]).text
    found = re.search(r'<p class="notice [a-z]+" role="[a-z]+" id="da-xong">(.*?)</p>', html, re.S)
    assert found, text_of(html)[:400]
    return text_of(found.group(1))


def version_of(client, path: str) -> str:
    return re.search(r'name="version" value="([^"]+)"', client.get(path).text).group(1)


# --- the start page -------------------------------------------------------------------------------

def test_a_campaign_made_from_the_examples_and_opened_again_from_the_recent_list(site):
    client, ws = site
    first = ws.data_dir
    page = text_of(client.get("/bat-dau").text)
    assert str(ws.folder) in page and "Chiến dịch mẫu của Nhà nước" in page
    made = client.post("/bat-dau/lap", data={"csrf": CSRF, "ten": "Sơ kết văn hóa công vụ", "mau": "nha-nuoc"})
    note = said(client, made)
    folder = first.resolve().parent.parent / "so-ket-van-hoa-cong-vu"
    assert f"Đã lập chiến dịch mới trong thư mục {folder}" in note
    assert ws.data_dir == folder / "data" and (folder / "templates").is_dir()
    assert ws.loaded().data.profile.kind == "nha-nuoc"          # the state example, opened
    # both are listed now, in the person's configuration folder, the newest first
    listed = json.loads(recent.config_file().read_text(encoding="utf-8"))
    assert [Path(r["data"]) for r in listed] == [folder / "data", first.resolve()]
    start = client.get("/bat-dau").text
    assert str(first.resolve().parent) in text_of(start) and "Mở" in text_of(start)
    # the first opened again from the list; a folder not on it is never read
    assert client.post("/mo-chien-dich", data={"csrf": CSRF, "folder": "/etc"}).status_code == 404
    (folder.parent / "khac" / "data").mkdir(parents=True)
    shutil.copy(first / "chien-dich.yaml", folder.parent / "khac" / "data")
    assert client.post("/mo-chien-dich", data={"csrf": CSRF, "folder": str(folder.parent / "khac")}).status_code == 404
    again = client.post("/mo-chien-dich", data={"csrf": CSRF, "folder": str(first.resolve().parent)})
    assert "Đã mở chiến dịch" in said(client, again) and ws.data_dir == first.resolve()
    # a name already taken: said in Vietnamese on the start page, nothing made
    twice = client.post("/bat-dau/lap", data={"csrf": CSRF, "ten": "Sơ kết văn hóa công vụ", "mau": "dang"})
    assert twice.status_code == 422 and "đã có nội dung" in text_of(twice.text)
    assert ws.data_dir == first.resolve()


def test_a_workspace_without_a_campaign_starts_on_the_start_page(tmp_path):
    ws = Workspace(tmp_path / "chua-co" / "data", tmp_path / "chua-co" / "out")
    client = TestClient(create_app(ws, TOKEN), base_url=BASE, follow_redirects=False)
    client.cookies.set("vanban_token_8765", TOKEN)
    home = client.get("/")
    assert home.status_code == 303 and home.headers["location"] == "/bat-dau"
    page = text_of(client.get("/bat-dau").text)
    assert "Chưa mở chiến dịch nào" in page
    made = client.post("/bat-dau/lap", data={"csrf": CSRF, "ten": "Đợt đầu", "mau": "dang"})
    assert "Đã lập chiến dịch mới" in said(client, made)
    assert ws.data_dir == (tmp_path / "dot-dau" / "data").resolve()
    assert client.get("/").status_code == 200


# --- the structure, previewed ---------------------------------------------------------------------

def _shape(client, name: str, op: str, key: str, title: str = "", kind: str = ""):
    form = {"csrf": CSRF, "tep": name, "op": f"{op}|{key}"}
    if title:
        form[f"ten:{key}"] = title
    if kind:
        form[f"loai:{key}"] = kind
    answer = client.post("/du-lieu/cau-truc", data=form)
    assert answer.status_code == 303, text_of(answer.text)[:300]
    return answer.headers["location"]


def test_a_form_row_added_is_previewed_in_the_documents_then_saved_and_undone_once(site):
    client, ws = site
    path = ws.data_dir / "phu-luc.yaml"
    before = path.read_bytes()
    shown = _shape(client, "phu-luc.yaml", "them", "tables[1].rows", "Số đảng viên mới kết nạp")
    assert path.read_bytes() == before                          # nothing written by a preview
    page = client.get(shown).text
    seen = text_of(page)
    assert "Xem trước: Thêm dòng «Số đảng viên mới kết nạp»" in seen
    assert "Dữ liệu sau thay đổi này hợp lệ" in seen
    # which documents change, and how: the new row in the blank forms and in a unit's skeleton
    assert re.search(r"\d+ văn bản sẽ được sinh lại: Phụ lục \(biểu mẫu trống\), Báo cáo tổng hợp", seen)
    added = re.findall(r'<li class="ins"><span class="sr">thêm: </span>(.*?)</li>', page)
    assert "8 | Số đảng viên mới kết nạp |  | " in added             # number, row, unit, the figure
    assert "Báo cáo mẫu — " in seen
    note = said(client, client.post(shown, data={"csrf": CSRF, "choice": "luu"}))
    assert note.startswith("Đã lưu: thêm dòng «Số đảng viên mới kết nạp»")
    text = path.read_text(encoding="utf-8")
    assert "- {id: r8, label: Số đảng viên mới kết nạp}" in text
    assert "#  PHỤ LỤC — các bảng số liệu đơn vị điền" in text          # the file's comments kept
    assert [r.label for r in ws.loaded().data.appendix.tables[0].rows][-1] == "Số đảng viên mới kết nạp"
    # «Hoàn tác» undoes that save, once: pressed again it says so and changes nothing
    undo = client.post("/du-lieu/hoan-tac", data={"csrf": CSRF, "tep": "phu-luc.yaml"})
    assert "Đã hoàn tác lần lưu trước" in said(client, undo)
    assert path.read_bytes() == before
    again = client.post("/du-lieu/hoan-tac", data={"csrf": CSRF, "tep": "phu-luc.yaml"})
    assert "Không còn gì để hoàn tác" in said(client, again)
    assert path.read_bytes() == before
    # the preview is gone once decided
    assert client.get(shown).status_code == 404


def test_a_change_that_check_would_refuse_is_shown_and_never_written(site):
    client, ws = site
    path = ws.data_dir / "chien-dich.yaml"
    before = path.read_bytes()
    # «Doanh nghiệp» is the kind of units in the list, and of parts of the outline
    shown = _shape(client, "chien-dich.yaml", "bo", "unit_kinds[2]")
    page = text_of(client.get(shown).text)
    assert "Xem trước: Bỏ loại đơn vị «Doanh nghiệp»" in page
    assert "Chưa lưu được" in page and "loại «dn» không có" in page
    assert "Danh sách đơn vị, dòng" in page                         # where, in words
    assert "Lưu thay đổi" not in page
    forced = client.post(shown, data={"csrf": CSRF, "choice": "luu"})
    assert "Chưa ghi" in said(client, forced)
    assert path.read_bytes() == before
    dropped = client.post(shown, data={"csrf": CSRF, "choice": "bo"})
    assert "Đã bỏ, không thay đổi" in said(client, dropped)


def test_levels_parts_and_plan_items_added_and_moved_keep_the_files_shape(site):
    client, ws = site
    shown = _shape(client, "chien-dich.yaml", "them", "levels", "Chi bộ trực thuộc đảng ủy cơ sở")
    said(client, client.post(shown, data={"csrf": CSRF, "choice": "luu"}))
    levels = ws.loaded().data.campaign.levels
    assert [lv.name for lv in levels][-1] == "Chi bộ trực thuộc đảng ủy cơ sở"
    # the new level is on the unit form's choices, by name
    assert "Chi bộ trực thuộc đảng ủy cơ sở" in text_of(client.get("/don-vi").text)
    outline = ws.data_dir / "de-cuong.yaml"
    first = ws.loaded().data.outline.parts[0].title
    shown = _shape(client, "de-cuong.yaml", "xuong", "parts[1]")
    page = text_of(client.get(shown).text)
    assert "Đề cương chi tiết" in page and "Kế hoạch" in page     # the plan lists the parts too
    said(client, client.post(shown, data={"csrf": CSRF, "choice": "luu"}))
    assert ws.loaded().data.outline.parts[1].title == first
    assert "#  ĐỀ CƯƠNG BÁO CÁO" in outline.read_text(encoding="utf-8")
    shown = _shape(client, "ke-hoach.yaml", "them", "sections[1].items", "Đoạn văn mới của kế hoạch.", "text")
    said(client, client.post(shown, data={"csrf": CSRF, "choice": "luu"}))
    assert ws.loaded().data.plan.sections[0].items[-1].text == "Đoạn văn mới của kế hoạch."


def test_choices_are_made_by_name_and_written_as_the_file_has_them(site):
    client, ws = site
    html = client.get("/du-lieu?tep=phu-luc.yaml").text
    # a row's kinds of unit: boxes named by the kinds' names; the type of a cell in words
    assert re.search(r'<input type="checkbox" name="f:tables\[1\]\.rows\[1\]\.applies_to\.kinds" '
                     r'value="dn"> Doanh nghiệp', html)
    assert "Có / Không" in text_of(html) and "Tỷ lệ % (tự tính từ hai dòng)" in text_of(html)
    form = {"csrf": CSRF, "tep": "phu-luc.yaml", "version": version_of(client, "/du-lieu?tep=phu-luc.yaml"),
            "o:tables[1].rows[1].applies_to.kinds": ""}
    answer = client.post("/du-lieu/luu", data={**form, "f:tables[1].rows[1].applies_to.kinds": ["", "dn"]})
    assert "Đã lưu «Phụ lục»" in said(client, answer)
    text = (ws.data_dir / "phu-luc.yaml").read_text(encoding="utf-8")
    assert "- {id: r1, label: Tổng số đảng viên của đơn vị, unit: người, applies_to: {kinds: [dn]}}" in text
    assert ws.loaded().data.appendix.tables[0].rows[0].applies_to.kinds == ["dn"]
    # every box unticked: the choice removed, the row for every unit again
    version = version_of(client, "/du-lieu?tep=phu-luc.yaml")
    answer = client.post("/du-lieu/luu", data={**form, "version": version, "o:tables[1].rows[1].applies_to.kinds": "dn",
                                               "f:tables[1].rows[1].applies_to.kinds": ""})
    said(client, answer)
    assert "- {id: r1, label: Tổng số đảng viên của đơn vị, unit: người}" in \
        (ws.data_dir / "phu-luc.yaml").read_text(encoding="utf-8")
    # «Cách ký» a choice in words
    plan = client.get("/du-lieu?tep=ke-hoach.yaml").text
    select = re.search(r'<select name="f:signer\.authority\[1\]\.mode".*?</select>', plan, re.S).group(0)
    assert '<option value="tm" selected>T/M — thay mặt</option>' in select
    assert "K/T — ký thay" in select
    # what a sentence may insert: each value by its name, with what it reads now
    assert "Hạn gửi báo cáo — Chi bộ cơ sở: 05/5/2021" in text_of(plan)
    assert "Nghị quyết 01-NQ/ĐUK — chỉ số ký hiệu: Nghị quyết số 01-NQ/ĐUK" in text_of(plan)
    assert "Kỳ số liệu đến ngày: 31/12/2020" in text_of(plan)


# --- the consolidated report written in the page -------------------------------------------------

def test_the_reports_parts_written_in_the_page_beside_the_units_words_reach_the_report(site, tmp_path):
    import random

    import fill_returns

    client, ws = site
    data = ws.loaded().data
    member = next(m for m in data.members.values() if m.unit.level == "db")
    target = tmp_path / f"{member.id}.docx"
    fill_returns.fill(ws.out_dir / "don-vi" / f"{member.id}.docx", target, random.Random(3))
    typed = fill_returns.write_words(target, target, random.Random(3), member.name)
    client.post("/api/collect", files=upload([target]), headers={"X-CSRF-Token": CSRF})
    page = client.get("/bao-cao-tong-hop").text
    seen = text_of(page)
    key = next(iter(typed))
    part = re.search(rf'<section class="report-part[^"]*" id="phan-{re.escape(key.replace(".", "-"))}">.*?</section>',
                     page, re.S).group(0)
    assert member.name in text_of(part) and typed[key][0][:60] in text_of(part)   # beside it
    assert "vanban viết từ số liệu đã nhận" in seen
    version = re.search(r'name="version" value="([^"]+)"', page).group(1)
    words = "Các cấp ủy đã quán triệt nghị quyết đến toàn thể đảng viên.\n\nNhiều đơn vị làm tốt."
    answer = client.post("/bao-cao-tong-hop/luu", data={"csrf": CSRF, "version": version,
                                                        "p:I.1": words, "o:I.1": ""})
    assert "Đã lưu lời viết ở 1 phần của báo cáo tổng hợp" in said(client, answer)
    stored = editing.load_document(ws.data_dir / "bao-cao-tong-hop.yaml")["narrative"]
    assert list(stored) == ["opening", "I.1"]                       # in the outline's order
    assert list(stored["I.1"]) == ["Các cấp ủy đã quán triệt nghị quyết đến toàn thể đảng viên.",
                                   "Nhiều đơn vị làm tốt."]
    client.post("/api/build", headers={"X-CSRF-Token": CSRF})
    report = "\n".join(p.text for p in docx.Document(ws.out_dir / "bao-cao-tong-hop.docx").paragraphs)
    assert "Các cấp ủy đã quán triệt nghị quyết đến toàn thể đảng viên." in report
    # a second tab that wrote the same part meanwhile is told, nothing written
    stale = client.post("/bao-cao-tong-hop/luu", data={"csrf": CSRF, "version": version,
                                                       "p:I.1": "Lời khác.", "o:I.1": ""})
    assert stale.status_code == 409 and "Phần này vừa được lưu ở nơi khác" in text_of(stale.text)
    assert "Lời khác." not in (ws.data_dir / "bao-cao-tong-hop.yaml").read_text(encoding="utf-8")


# --- a return whose unit cannot be told, assigned by hand -------------------------------------------

def test_collect_reads_a_file_for_the_unit_a_person_chose_and_records_it(site, tmp_path):
    _, ws = site
    filled = returns_for(ws, tmp_path / "tra", 1)[0]
    blind = unrecognised(filled, tmp_path / "khong-ro.docx")
    got = collect.collect([blind], ws.data_dir)
    assert got.refused and [p for p, _ in got.unrecognised] == [blind]
    unit = ws.loaded().data.units[5]
    got = collect.collect([blind], ws.data_dir, unit=unit.id)
    assert [u for _, u in got.stored] == [unit.id]
    record = store.read_record(store.path_of(ws.data_dir, unit.id))
    assert record.source.identified_by == BY_HAND == "chọn tay" and record.figures


def test_an_unrecognised_return_waits_and_is_assigned_by_hand_in_the_page(site, tmp_path):
    client, ws = site
    filled = returns_for(ws, tmp_path / "tra", 2)
    blind = unrecognised(filled[0], tmp_path / "Bao cao gui lai.docx")
    sent = client.post("/nhan-bao-cao/gui", data={"csrf": CSRF, "received": "04/5/2021"},
                       files=upload([blind, filled[1]]))
    page = follow(client, sent)
    assert "Bao cao gui lai.docx chờ chọn đơn vị không nhận ra đơn vị" in page
    assert "Tệp chưa rõ của đơn vị nào (1)" in page and "chọn đơn vị cho tệp này" in page
    assert len(ws.held()) == 1
    # F5 on the results shows them again and posts nothing
    again = client.get(sent.headers["location"])
    assert "Tệp chưa rõ của đơn vị nào (1)" in text_of(again.text) and len(ws.held()) == 1
    held = ws.held()[0]
    unit = ws.loaded().data.units[7]
    wrong = client.post(f"/nhan-bao-cao/chua-ro/{held.id}", data={"csrf": CSRF, "unit": "Không có đơn vị này"})
    assert "Không có đơn vị nào tên «Không có đơn vị này»" in said(client, wrong)
    answer = client.post(f"/nhan-bao-cao/chua-ro/{held.id}", data={"csrf": CSRF, "unit": unit.name,
                                                                   "received": "04/5/2021"})
    assert said(client, answer) == (f"Tệp đã gán cho «{unit.name}»: đã nhận số liệu và phần viết, ghi là "
                                    "đơn vị do người nhận chọn tay.")
    assert ws.held() == []
    record = ws.loaded().data.returns[unit.id]
    assert record.source.identified_by == "chọn tay" and record.source.file == "Bao cao gui lai.docx"
    assert "đơn vị do người nhận chọn tay" in text_of(client.get(f"/don-vi/{unit.id}").text)
    # a file dropped leaves the list
    blind2 = unrecognised(filled[1], tmp_path / "khac.docx", header="ĐƠN VỊ LẠ")
    client.post("/nhan-bao-cao/gui", data={"csrf": CSRF}, files=upload([blind2]))
    gone = client.post(f"/nhan-bao-cao/chua-ro/{ws.held()[0].id}/bo", data={"csrf": CSRF})
    assert "Đã bỏ tệp «khac.docx»" in said(client, gone) and ws.held() == []


# --- units: imported row by row, searched, paged, status as Excel -----------------------------------

def test_an_import_of_two_new_units_adds_them_and_marks_a_bad_row_where_it_is(site, tmp_path):
    import openpyxl

    client, ws = site
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Tên đơn vị", "Cấp", "Loại"])                   # level and kind by name, no code
    sheet.append(["Chi bộ Trường Chính trị", "Chi bộ cơ sở", "Cơ quan, đơn vị"])
    sheet.append(["Chi bộ Công ty Điện lực", "chi bộ cơ sở", "Doanh nghiệp"])
    sheet.append(["Chi bộ Sai Cấp", "Cấp xã", "Doanh nghiệp"])
    book.save(tmp_path / "moi.xlsx")
    before = (ws.data_dir / "don-vi.csv").read_bytes()
    sent = client.post("/don-vi/nhap", data={"csrf": CSRF}, files={"file": ("moi.xlsx", (tmp_path / "moi.xlsx").read_bytes())})
    html = client.get(sent.headers["location"]).text
    seen = text_of(html)
    assert "2 đơn vị thêm, 0 đơn vị sửa, 0 đơn vị bỏ, 0 không đổi, 1 dòng có lỗi (không nhập)" in seen
    bad = re.search(r'<tr class="import-bad" id="dong-tep-4">.*?</tr>', html, re.S).group(0)
    assert "Chi bộ Sai Cấp" in text_of(bad) and "Cấp: cấp «Cấp xã» không có" in text_of(bad)
    assert re.search(r'<button type="submit" class="primary">Lưu: 2 thêm, 0 sửa', html)
    assert (ws.data_dir / "don-vi.csv").read_bytes() == before       # nothing saved by the preview
    whole = client.get(sent.headers["location"] + "?cach=thay").text
    assert "49 đơn vị bỏ" in text_of(whole) and 'class="danger">Lưu và bỏ 49 đơn vị' in whole
    note = said(client, client.post(sent.headers["location"], data={"csrf": CSRF, "cach": "them"}))
    assert note == ("Đã nhập danh sách từ «moi.xlsx»: 2 đơn vị thêm, 0 đơn vị sửa, không bỏ đơn vị nào; "
                    "1 dòng có lỗi không nhập.")
    units = {u.name: u for u in ws.loaded().data.units}
    assert len(units) == 51
    assert units["Chi bộ Công ty Điện lực"].kind == "dn" and units["Chi bộ Công ty Điện lực"].level == "cb"
    assert units["Chi bộ Trường Chính trị"].id == "chi-bo-truong-chinh-tri"


def _many_units(data: Path, n: int) -> None:
    rows = list(csv.DictReader(open(DATA / "don-vi.csv", encoding="utf-8")))
    with open(data / "don-vi.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        for i in range(n):
            row = dict(rows[i % len(rows)])
            row["id"], row["name"] = f"{row['id']}-{i:04d}", f"{row['name']} số {i + 1}"
            writer.writerow(row)


def test_units_and_documents_are_searched_and_paged(tmp_path):
    data, out = tmp_path / "c" / "data", tmp_path / "c" / "out"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("bao-cao", ".*"))
    _many_units(data, 120)
    pipeline.build(data, out)
    ws = Workspace(data, out)
    client = TestClient(create_app(ws, TOKEN), base_url=BASE, follow_redirects=False)
    client.cookies.set("vanban_token_8765", TOKEN)
    first = client.get("/don-vi").text
    assert first.count('<tr id="dong-') == 50
    assert "120 đơn vị; đang xem 1–50." in text_of(first) and "Trang 1/3" in text_of(first)
    third = client.get("/don-vi?trang=3").text
    assert third.count('<tr id="dong-') == 20 and "Đảng bộ Sở Tài chính số 101" not in text_of(third)
    # searched without tone marks, across pages
    found = text_of(client.get("/don-vi?tim=so+tai+chinh").text)
    assert "3 đơn vị hợp với «so tai chinh»" in found
    assert all(f"Đảng bộ Sở Tài chính số {n}" in found for n in (2, 51, 100))
    # a problem's link opens the page that holds its row
    assert 'id="dong-80"' in client.get("/don-vi?dong=80").text
    docs = client.get("/van-ban?tim=tai+chinh+so+51").text
    assert "Báo cáo mẫu — Đảng bộ Sở Tài chính số 51" in text_of(docs)
    assert docs.count("<tr data-output=") == 3                     # its skeleton, workbook and kit
    assert client.get("/van-ban?loai=chinh").text.count("<tr data-output=") == len(
        [o for o in ws.outputs() if "/" not in o.name])


def test_the_status_table_downloads_as_excel(site, tmp_path):
    import openpyxl

    client, ws = site
    files = returns_for(ws, tmp_path / "tra", 2)
    client.post("/nhan-bao-cao/gui", data={"csrf": CSRF, "received": "03/5/2021"}, files=upload(files))
    answer = client.get("/don-vi/tinh-trang.xlsx")
    assert answer.status_code == 200 and "tinh-trang-bao-cao.xlsx" in answer.headers["content-disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(answer.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("TT", "Mã đơn vị", "Đơn vị", "Cấp", "Hạn gửi", "Tình trạng", "Ngày nhận")
    assert len(rows) == 50
    units = ws.loaded().data.units
    assert rows[1][2] == units[0].name and rows[1][5] == "đã gửi" and rows[1][6] == "03/5/2021"
    assert rows[3][5] in ("quá hạn, chưa gửi", "chưa gửi")


# --- Tổng quan says what is true now --------------------------------------------------------------

def test_the_overview_says_done_only_while_the_documents_are_up_to_date(site):
    client, ws = site
    built = client.post("/sinh-van-ban", data={"csrf": CSRF})
    assert built.status_code == 303
    page = client.get(built.headers["location"]).text
    assert 'id="ket-qua-sinh"' in page and "Xong:" in text_of(page)
    version = version_of(client, "/du-lieu?tep=chien-dich.yaml")
    client.post("/du-lieu/luu", data={"csrf": CSRF, "tep": "chien-dich.yaml", "version": version,
                                      "f:levels[1].report_deadline": "12/5/2021",
                                      "o:levels[1].report_deadline": "05/5/2021"})
    after = client.get("/").text
    assert 'id="ket-qua-sinh"' not in after and "Xong:" not in text_of(after)
    assert re.search(r"\d+ văn bản cần sinh lại vì dữ liệu đã đổi", text_of(after))
