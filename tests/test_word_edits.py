"""Nobody's work is lost: documents finished in Word, then regenerated.

Each test edits generated documents the way people do — python-docx for Word (paragraphs
added, sentences reworded, headings renamed, a part deleted, a cell overtyped, a comment and a
tracked change of their own), LibreOffice for an office that uses it — then changes the data
(new returns, a moved deadline, a renamed unit, a removed unit) and rebuilds. They assert on
what the reader of the file sees: every word the person typed is still there; every change
vanban made is a revision of author «vanban» with the right old and new text; accepting all
revisions gives the person's words plus exactly what a fresh build prints.
"""

from __future__ import annotations

import csv
import io
import random
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree

import fill_returns
from conftest import libreoffice_resave, run_cli
from generator.app import main as pipeline
from generator.merge import accepted_paragraphs, merge_docx
from generator.merge.words import text

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WHEN = "1764748800"   # SOURCE_DATE_EPOCH of these builds: 2025-12-03, so merges are reproducible


@pytest.fixture(autouse=True)
def fixed_time(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", WHEN)


# --- reading ------------------------------------------------------------------------------

def document_xml(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read("word/document.xml"))


def accepted(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        # as a reader sees them: a no-break space (the end of a heading bound) is a space
        return [t.replace("\u00a0", " ") for t in accepted_paragraphs(z.read("word/document.xml"))]


def revisions(path: Path, author: str = "vanban") -> list[tuple[str, str]]:
    """Every run-level revision of ``author``: («ins» or «del», its text)."""
    out = []
    for el in document_xml(path).iter(W + "ins", W + "del"):
        if el.get(W + "author") != author or el.getparent().tag in (W + "rPr", W + "trPr"):
            continue
        words = "".join(t.text or "" for t in el.iter(W + "t", W + "delText"))
        out.append((el.tag[len(W):], words))
    return out


def contains_in_order(whole: list[str], part: list[str]) -> list[str]:
    """The items of ``part`` not found in ``whole`` in their order (empty: all found)."""
    missing, at = [], 0
    for p in part:
        try:
            at = whole.index(p, at) + 1
        except ValueError:
            missing.append(p)
    return missing


def fresh_build(data: Path, tmp: Path) -> list[str]:
    out = tmp / f"fresh-{len(list(tmp.glob('fresh-*')))}"
    pipeline.build(data, out)
    return out


def rebuild(data: Path, out: Path, capsys) -> tuple[int, str]:
    code, stdout, stderr = run_cli(["build", "--data", data, "--out", out], capsys)
    return code, stdout + stderr


def set_deadline(data: Path, old: str, new: str) -> None:
    path = data / "chien-dich.yaml"
    text_ = path.read_text(encoding="utf-8")
    assert f"report_deadline: {old}" in text_
    path.write_text(text_.replace(f"report_deadline: {old}", f"report_deadline: {new}", 1), encoding="utf-8")


# --- editing as people edit ---------------------------------------------------------------

def paragraph_starting(document, start: str):
    return next(p for p in document.paragraphs if p.text.startswith(start))


def reword(paragraph, old: str, new: str) -> None:
    """Retype words inside a paragraph as Word stores it: the paragraph's text in new runs."""
    whole = paragraph.text
    assert old in whole
    for r in paragraph.runs[1:]:
        r._r.getparent().remove(r._r)
    paragraph.runs[0].text = whole.replace(old, new)


def own_tracked_insertion(paragraph, words: str, author: str = "Chánh Văn phòng") -> None:
    """A tracked insertion of the person's own at the end of a paragraph (Track Changes on)."""
    ins = paragraph._p.makeelement(qn("w:ins"), {qn("w:id"): "9001", qn("w:author"): author,
                                                 qn("w:date"): "2026-11-30T09:00:00Z"})
    r = ins.makeelement(qn("w:r"), {})
    t = r.makeelement(qn("w:t"), {})
    t.text = words
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    r.append(t)
    ins.append(r)
    paragraph._p.append(ins)


def delete_part(document, heading_start: str) -> list[str]:
    """Delete a heading and everything under it up to the next heading of any level."""
    paragraphs = document.paragraphs
    i = next(k for k, p in enumerate(paragraphs)
             if p.text.replace("\u00a0", " ").startswith(heading_start))
    gone = [paragraphs[i].text]
    paragraphs[i]._p.getparent().remove(paragraphs[i]._p)
    for p in paragraphs[i + 1:]:
        if p.style.name.startswith("VB Mục"):
            break
        gone.append(p.text)
        p._p.getparent().remove(p._p)
    return gone


# --- the plan: edit in Word, rebuild, edit again, move a deadline, rebuild -------------------

def test_plan_edited_in_word_keeps_the_words_and_gets_the_new_deadline_as_revisions(campaign, tmp_path, capsys):
    out = tmp_path / "out"
    pipeline.build(campaign, out)
    plan = out / "ke-hoach.docx"
    document = docx.Document(plan)
    added = "Văn phòng Đảng ủy Khối theo dõi, đôn đốc và báo cáo Thường trực kết quả thực hiện."
    paragraph_starting(document, "- Các đảng ủy, chi ủy cơ sở phối hợp").insert_paragraph_before(added)
    document.save(plan)
    edited = plan.read_bytes()

    # nothing changed in the data: the person's file is left exactly as it is, and said so
    code, said = rebuild(campaign, out, capsys)
    assert code == 0 and plan.read_bytes() == edited
    assert "ke-hoach.docx: đã sửa trong Word — giữ nguyên" in said

    # edited again, then a deadline moves: the words stay, the date arrives as a revision
    document = docx.Document(plan)
    reword(paragraph_starting(document, "- Tổ chức Hội nghị sơ kết."),
           "Hội nghị sơ kết.", "Hội nghị sơ kết toàn Đảng bộ Khối.")
    document.save(plan)
    set_deadline(campaign, "05/5/2021          # gửi", "12/5/2021          # gửi")
    code, said = rebuild(campaign, out, capsys)
    assert code == 0, said
    assert "đã gộp bản mới vào" in said and "ke-hoach.docx" in said
    marks = revisions(plan)
    assert ("del", "05") in marks and ("ins", "12") in marks, marks
    words = accepted(plan)
    assert added in words
    assert "- Tổ chức Hội nghị sơ kết toàn Đảng bộ Khối." in words
    assert any("Văn phòng Đảng ủy Khối trước ngày 12/5/2021" in p for p in words)
    assert not any("05/5/2021" in p for p in words if "Văn phòng Đảng ủy Khối (qua" in p)
    # accepting everything = a fresh build plus the person's words
    fresh = accepted(fresh_build(campaign, tmp_path) / "ke-hoach.docx")
    extra = [p for p in words if p not in fresh]
    assert len(words) == len(fresh) + 1 and added in extra
    changed = [p for p in fresh if p not in words]
    assert changed == ["- Tổ chức Hội nghị sơ kết."]
    # a second build with nothing new changes nothing
    merged = plan.read_bytes()
    code, said = rebuild(campaign, out, capsys)
    assert code == 0 and plan.read_bytes() == merged


def test_a_merge_is_the_same_bytes_every_time(campaign, tmp_path):
    def scenario(out: Path, data: Path) -> bytes:
        pipeline.build(data, out)
        document = docx.Document(out / "ke-hoach.docx")
        document.paragraphs[10].insert_paragraph_before("Một đoạn của người sửa.")
        document.save(out / "ke-hoach.docx")
        return (out / "ke-hoach.docx").read_bytes()

    other = tmp_path / "other-data"
    shutil.copytree(campaign, other)
    scenario(tmp_path / "a", campaign)
    scenario(tmp_path / "b", other)
    for data in (campaign, other):
        set_deadline(data, "05/5/2021          # gửi", "12/5/2021          # gửi")
    pipeline.build(campaign, tmp_path / "a")
    pipeline.build(other, tmp_path / "b")
    assert (tmp_path / "a" / "ke-hoach.docx").read_bytes() == (tmp_path / "b" / "ke-hoach.docx").read_bytes()
    assert revisions(tmp_path / "a" / "ke-hoach.docx")


# --- the consolidated report: words written in Word, then new returns ------------------------

def collect_returns(campaign: Path, out: Path, tmp: Path, names: list[str]) -> None:
    rng = random.Random(7)
    folder = tmp / f"returns-{len(list(tmp.glob('returns-*')))}"
    folder.mkdir()
    for name in names:
        fill_returns.fill(out / "don-vi" / f"{name}.docx", folder / f"{name}.docx", rng)
    pipeline_collect(campaign, folder)


def pipeline_collect(campaign: Path, folder: Path) -> None:
    from generator.intake.collect import collect

    report = collect(sorted(folder.iterdir()), campaign)
    assert not report.refused, report.refused


def unit_ids(campaign: Path) -> list[str]:
    with open(campaign / "don-vi.csv", encoding="utf-8") as fh:
        return [row["id"] for row in csv.DictReader(fh)]


def test_report_written_in_word_survives_new_returns_a_rename_and_a_removal(campaign, tmp_path, capsys):
    out = tmp_path / "out"
    ids = unit_ids(campaign)
    pipeline.build(campaign, out)
    collect_returns(campaign, out, tmp_path, ids[40:44])
    pipeline.build(campaign, out)
    report = out / "bao-cao-tong-hop.docx"

    # the writer writes part I.3 in Word (over the draft mark), adds a comment and a tracked
    # change of their own, rewords the intro, renames a heading, overtypes a table cell
    document = docx.Document(report)
    heading = paragraph_starting(document, "3. Vai trò của cấp ủy")
    draft = document.paragraphs[[p._p for p in document.paragraphs].index(heading._p) + 1]
    assert draft.text.startswith("[Dự thảo")
    mine = ["Người đứng đầu các cơ quan, đơn vị đã gương mẫu, đi đầu trong xây dựng văn hóa công sở.",
            "Cấp ủy phối hợp chặt chẽ với chính quyền, công đoàn, đoàn thanh niên."]
    draft.runs[0].text = mine[0]
    for r in draft.runs[1:]:
        r.text = ""
    draft.style = document.styles["VB Nội dung"]
    draft._p.addnext(docx.Document().add_paragraph(mine[1])._p)
    document.add_comment(heading.runs, text="Anh Vân xem lại phần này", author="Nguyễn Hà", initials="NH")
    own_tracked_insertion(paragraph_starting(document, "Đảng bộ Khối các cơ quan"), " (số liệu đến 30/4)")
    heading4 = paragraph_starting(document, "4. Công tác kiểm tra")
    heading4.runs[0].text = heading4.text.replace("Công tác kiểm tra", "Kiểm tra")
    for r in heading4.runs[1:]:
        r.text = ""
    # Phụ lục 2: the person overtypes a figure vanban does not change with these returns
    forms = [t for t in document.tables if t.rows[0].cells[-1].text == "Tổng cộng"]
    registered = forms[0].rows[1].cells[3]
    registered.paragraphs[0].add_run("(chờ số liệu)")
    document.save(report)

    # new returns arrive: the build saves the words, and merges the new figures as revisions
    collect_returns(campaign, out, tmp_path, ids[:6])
    code, said = rebuild(campaign, out, capsys)
    assert code == 0, said
    # the opening's sentence carries the person's own tracked insertion: read as accepted
    assert "đã lưu lời viết trong Word ở phần mở đầu, I.3 của" in said
    saved = (campaign / "bao-cao-tong-hop.yaml").read_text(encoding="utf-8")
    assert mine[0] in saved and mine[1] in saved and "viết trong Word" in saved
    words = accepted(report)
    for typed in mine + ["Kiểm tra, giám sát, sơ kết định kỳ", "(chờ số liệu)"]:
        assert any(typed in p for p in words), typed
    assert any(p.endswith("(số liệu đến 30/4)") for p in words)
    assert revisions(report, "Chánh Văn phòng") == [("ins", " (số liệu đến 30/4)")]
    with zipfile.ZipFile(report) as z:
        comments = z.read("word/comments.xml").decode()
    assert "Anh Vân xem lại phần này" in comments
    marks = revisions(report)
    assert ("del", "4") in marks and ("ins", "10") in marks, marks[:20]   # 4/49 → 10/49 reported
    fresh = accepted(fresh_build(campaign, tmp_path) / "bao-cao-tong-hop.docx")
    assert not contains_in_order(words, [p for p in fresh if "4. Công tác kiểm tra" not in p
                                         and p not in ("", )][:40])
    # a fresh out/ (another computer) keeps the words written in Word
    assert all(any(typed in p for p in fresh) for typed in mine)

    # a unit that reported is renamed, another removed: the table rows move as revisions
    rows = list(csv.DictReader(open(campaign / "don-vi.csv", encoding="utf-8")))
    renamed, removed = rows[1], rows[2]
    old_name = renamed["name"]
    renamed["name"] = old_name + " (mới)"
    rows.remove(removed)
    with open(campaign / "don-vi.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    code, said = rebuild(campaign, out, capsys)
    assert code == 0, said
    marks = revisions(report)
    assert any(kind == "ins" and "(mới)" in words_ for kind, words_ in marks), marks[-20:]
    words = accepted(report)
    assert not any(removed["name"] == p for p in words)
    assert all(any(typed in p for p in words) for typed in mine)
    fresh = accepted(fresh_build(campaign, tmp_path) / "bao-cao-tong-hop.docx")
    missing = contains_in_order(words, [p for p in fresh if p])
    assert missing == [p for p in fresh if "Công tác kiểm tra" in p], missing[:5]
    # and a build with nothing new changes nothing
    before = report.read_bytes()
    code, said = rebuild(campaign, out, capsys)
    assert code == 0 and report.read_bytes() == before


def test_both_changed_keeps_the_person_and_offers_vanban_with_a_comment(campaign, tmp_path, capsys):
    out = tmp_path / "out"
    pipeline.build(campaign, out)
    plan = out / "ke-hoach.docx"
    document = docx.Document(plan)
    target = paragraph_starting(document, "- Các đảng ủy, chi ủy cơ sở phối hợp")
    reword(target, "Cụ thể:", "Cụ thể như sau (Văn phòng bổ sung):")
    document.save(plan)
    set_deadline(campaign, "05/5/2021          # gửi", "12/5/2021          # gửi")
    code, said = rebuild(campaign, out, capsys)
    assert code == 0
    assert "chỗ bạn và dữ liệu mới cùng sửa" in said and "- Các đảng ủy, chi ủy cơ sở phối hợp" in said
    words = accepted(plan)
    mine = [p for p in words if "(Văn phòng bổ sung)" in p]
    theirs = [p for p in words if "12/5/2021" in p and p.startswith("- Các đảng ủy")]
    assert len(mine) == 1 and "05/5/2021" in mine[0] and len(theirs) == 1
    assert words.index(theirs[0]) == words.index(mine[0]) + 1
    with zipfile.ZipFile(plan) as z:
        names = z.namelist()
        comments = z.read("word/comments.xml").decode()
        types = z.read("[Content_Types].xml").decode()
    assert "vanban: dữ liệu mới làm đổi đoạn này" in comments and "comments+xml" in types


def test_a_part_deleted_by_the_person_stays_deleted_unless_vanban_changes_it(campaign, tmp_path, capsys):
    out = tmp_path / "out"
    pipeline.build(campaign, out)
    outline = out / "de-cuong.docx"
    document = docx.Document(outline)
    gone = delete_part(document, "3. Bài học kinh nghiệm")
    document.save(outline)
    path = campaign / "de-cuong.yaml"
    text_ = path.read_text(encoding="utf-8")
    assert "Bài học kinh nghiệm" in text_
    path.write_text(text_.replace("Bài học kinh nghiệm", "Bài học kinh nghiệm rút ra"), encoding="utf-8")
    code, said = rebuild(campaign, out, capsys)
    assert code == 0, said
    words = accepted(outline)
    # vanban changed the deleted heading: offered back as an insertion with a comment
    assert any(p.endswith("Bài học kinh nghiệm rút ra") for p in words)
    with zipfile.ZipFile(outline) as z:
        assert "bạn đã xóa đoạn này" in z.read("word/comments.xml").decode()
    # what vanban did not change there stays deleted
    assert not [g for g in gone[1:] if g and g in words]


# --- LibreOffice: a copy saved by it, then merged, opened again ---------------------------------

def test_a_copy_saved_by_libreoffice_merges_and_libreoffice_counts_the_revisions(campaign, tmp_path, capsys):
    out = tmp_path / "out"
    pipeline.build(campaign, out)
    document = docx.Document(out / "ke-hoach.docx")
    added = "Đoạn do văn phòng viết, lưu bằng LibreOffice."
    document.paragraphs[12].insert_paragraph_before(added)
    document.save(tmp_path / "ke-hoach.docx")
    resaved = libreoffice_resave(tmp_path / "ke-hoach.docx", tmp_path)
    shutil.copyfile(resaved, out / "ke-hoach.docx")
    set_deadline(campaign, "05/5/2021          # gửi", "12/5/2021          # gửi")
    code, said = rebuild(campaign, out, capsys)
    assert code == 0 and "đã gộp bản mới vào" in said, said
    plan = out / "ke-hoach.docx"
    assert ("ins", "12") in revisions(plan) and added in accepted(plan)
    # LibreOffice opens the merged file and sees vanban's revisions
    flat = tmp_path / "flat"
    soffice = shutil.which("soffice")
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless",
                    "--convert-to", "fodt", "--outdir", str(flat), str(plan)],
                   check=True, capture_output=True, timeout=240)
    fodt = (flat / "ke-hoach.fodt").read_text(encoding="utf-8")
    regions = re.findall(r"<text:changed-region.*?</text:changed-region>", fodt, re.S)
    by_vanban = [r for r in regions if "<dc:creator>vanban</dc:creator>" in r]
    ours = len(revisions(plan))
    assert ours >= 2 and len(by_vanban) >= ours, (len(by_vanban), ours)


# --- outputs that are not merged are protected ----------------------------------------------------

def test_an_edited_skeleton_is_never_replaced_nor_removed(campaign, tmp_path, capsys):
    out = tmp_path / "out"
    pipeline.build(campaign, out)
    unit = unit_ids(campaign)[-1]
    skeleton = out / "don-vi" / f"{unit}.docx"
    document = docx.Document(skeleton)
    document.add_paragraph("Ghi chú riêng cho đơn vị này.")
    document.save(skeleton)
    edited = skeleton.read_bytes()
    set_deadline(campaign, "05/5/2021          # gửi", "12/5/2021          # gửi")
    code, said = rebuild(campaign, out, capsys)
    assert code == 0 and skeleton.read_bytes() == edited
    assert f"{unit}.docx: tệp đã được sửa sau khi vanban ghi nên không ghi đè" in said
    rows = list(csv.DictReader(open(campaign / "don-vi.csv", encoding="utf-8")))
    with open(campaign / "don-vi.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows([r for r in rows if r["id"] != unit])
    code, said = rebuild(campaign, out, capsys)
    assert code == 0 and skeleton.read_bytes() == edited
    assert "không còn trong dữ liệu nhưng tệp đã được sửa nên không xóa" in said


def test_a_file_open_in_word_is_left_and_named_and_the_rest_is_written(campaign, tmp_path, capsys):
    out = tmp_path / "out"
    pipeline.build(campaign, out)
    plan = out / "ke-hoach.docx"
    before = plan.read_bytes()
    owner = out / "~$-hoach.docx"          # Word's owner file while ke-hoach.docx is open
    owner.write_bytes(b"\x0bNguyen Ha")
    set_deadline(campaign, "05/5/2021          # gửi", "12/5/2021          # gửi")
    code, said = rebuild(campaign, out, capsys)
    assert code == 4
    assert "ke-hoach.docx: đang mở trong Word" in said and "đóng tệp rồi chạy lại" in said
    assert plan.read_bytes() == before
    skeleton = out / "don-vi" / f"{unit_ids(campaign)[-1]}.docx"
    assert any("12/5/2021" in p for p in accepted(skeleton))    # the others were written
    owner.unlink()
    code, said = rebuild(campaign, out, capsys)
    assert code == 0 and any("12/5/2021" in p for p in accepted(plan))
    assert not revisions(plan)                 # not edited: simply written anew


def test_a_file_windows_holds_open_is_left(campaign, tmp_path, capsys, monkeypatch):
    out = tmp_path / "out"
    pipeline.build(campaign, out)
    plan = out / "ke-hoach.docx"
    before = plan.read_bytes()
    real_open = __import__("os").open

    def windows_open(path, flags, *args):   # Word holds the file: Windows refuses to open it
        if str(path).endswith("ke-hoach.docx") and flags & __import__("os").O_RDWR:
            raise PermissionError(13, "The process cannot access the file")
        return real_open(path, flags, *args)

    monkeypatch.setattr("generator.app.edits.os.open", windows_open)
    set_deadline(campaign, "05/5/2021          # gửi", "12/5/2021          # gửi")
    code, said = rebuild(campaign, out, capsys)
    assert code == 4 and "ke-hoach.docx: đang mở trong một chương trình khác" in said
    assert plan.read_bytes() == before
    monkeypatch.undo()
    code, said = rebuild(campaign, out, capsys)
    assert code == 0 and any("12/5/2021" in p for p in accepted(plan))


# --- the merge itself, on small documents --------------------------------------------------------

def _docx(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    if table:
        t = document.add_table(rows=len(table), cols=len(table[0]))
        for i, row in enumerate(table):
            for j, value in enumerate(row):
                t.cell(i, j).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _accepted(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        # as a reader sees them: a no-break space (the end of a heading bound) is a space
        return [t.replace("\u00a0", " ") for t in accepted_paragraphs(z.read("word/document.xml"))]


def test_table_cells_change_one_by_one_and_rows_come_and_go_as_revisions():
    base = _docx(["Bảng"], [["TT", "Đơn vị", "Số"], ["1", "Chi bộ A", "10"], ["2", "Chi bộ B", "20"],
                            ["3", "Chi bộ C", "30"]])
    new = _docx(["Bảng"], [["TT", "Đơn vị", "Số"], ["1", "Chi bộ A", "15"], ["2", "Chi bộ B", "20"],
                           ["3", "Chi bộ D", "40"]])
    mine = _docx(["Bảng", "Ghi chú của tôi"], [["TT", "Đơn vị", "Số"], ["1", "Chi bộ A", "10"],
                                              ["2", "Chi bộ B", "25 (đã sửa)"], ["3", "Chi bộ C", "30"]])
    result = merge_docx(base, new, mine, "2026-12-03T00:00:00Z")
    words = _accepted(result.data)
    assert "Ghi chú của tôi" in words and "25 (đã sửa)" in words and "15" in words
    assert "10" not in words and "Chi bộ D" in words and "Chi bộ C" not in words
    assert not result.conflicts
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(result.data)).read("word/document.xml"))
    dels = ["".join(t.text for t in d.iter(W + "delText")) for d in root.iter(W + "del")]
    assert "10" in dels
    # both changed one cell: the person's value stays, vanban's is offered with a comment
    new2 = _docx(["Bảng"], [["TT", "Đơn vị", "Số"], ["1", "Chi bộ A", "10"], ["2", "Chi bộ B", "22"],
                            ["3", "Chi bộ C", "30"]])
    result = merge_docx(base, new2, mine, "2026-12-03T00:00:00Z")
    words = _accepted(result.data)
    assert words.index("22") == words.index("25 (đã sửa)") + 1 and len(result.conflicts) == 1


def test_a_row_added_by_vanban_is_a_tracked_row_and_a_removed_row_a_deleted_one():
    base = _docx([], [["TT", "Đơn vị"], ["1", "Chi bộ A"], ["2", "Chi bộ B"]])
    new = _docx([], [["TT", "Đơn vị"], ["1", "Chi bộ A"], ["2", "Chi bộ C"], ["3", "Chi bộ E"]])
    mine = base
    result = merge_docx(base, new, mine, "2026-12-03T00:00:00Z")
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(result.data)).read("word/document.xml"))
    marked = [tr for tr in root.iter(W + "tr") if tr.find(f"{W}trPr/{W}ins") is not None]
    assert ["".join(text(p) for p in tr.iter(W + "p")) for tr in marked] == ["3Chi bộ E"]
    assert _accepted(result.data) == _accepted(new)
    assert [t for t in _accepted(result.data) if t] == ["TT", "Đơn vị", "1", "Chi bộ A", "2", "Chi bộ C",
                                                        "3", "Chi bộ E"]


def test_a_figure_typed_by_hand_into_the_report_is_named(campaign, tmp_path, capsys):
    out = tmp_path / "out"
    pipeline.build(campaign, out)
    report = out / "bao-cao-tong-hop.docx"
    document = docx.Document(report)
    paragraph_starting(document, "Thực hiện Kế hoạch").insert_paragraph_before(
        "Toàn Đảng bộ có 3.456 đảng viên, tăng 12,5% so với năm 2016 (Kế hoạch số 150-KH/ĐUK).")
    document.save(report)
    code, said = rebuild(campaign, out, capsys)
    assert code == 0
    named = [line for line in said.splitlines() if "gõ tay" in line]
    assert len(named) == 2 and "«3.456»" in named[0] and "«12,5»" in named[1]
    assert not any("số «150" in line or "số «2016»" in line for line in named)   # a symbol, a year: not figures
