"""Campaigns in tiers, end to end: the Bloc builds; the kit of «Đảng bộ Sở Tài chính» starts
its campaign; four branches are listed, their skeletons filled as people fill them, collected;
the unit's report to the Bloc is built; the Bloc collects it and its consolidated totals are
the sums of what the branches typed. And every mismatch is refused with what differs."""

from __future__ import annotations

import io
import random
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
import yaml

import fill_returns
from conftest import DATA, all_paragraphs, libreoffice_resave, run_cli
from generator.app import main as pipeline
from generator.documents.contexts.consolidated import Totals
from generator.config.validate import load_campaign

UNIT = "dang-bo-so-tai-chinh"
BRANCHES = [("chi-bo-van-phong-so", "Chi bộ Văn phòng Sở"), ("chi-bo-phong-ngan-sach", "Chi bộ Phòng Ngân sách"),
            ("chi-bo-phong-tin-hoc", "Chi bộ Phòng Tin học và Thống kê"),
            ("chi-bo-thanh-tra-so", "Chi bộ Thanh tra Sở")]
OWN_WORDS = "Đảng ủy Sở Tài chính đã lãnh đạo 4 chi bộ trực thuộc quán triệt đầy đủ nghị quyết."


def list_branches(data: Path) -> None:
    with open(data / "don-vi.csv", "a", encoding="utf-8") as fh:
        for unit_id, name in BRANCHES:
            fh.write(f"{unit_id},{name},cb,cq,\n")


@pytest.fixture(scope="module")
def tiers(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiers")
    bloc, bloc_out = root / "bloc" / "data", root / "bloc" / "out"
    shutil.copytree(DATA, bloc, ignore=shutil.ignore_patterns("bao-cao", ".*"))
    pipeline.build(bloc, bloc_out)
    kit = bloc_out / "bo-du-lieu" / f"{UNIT}.zip"
    unit = root / "so-tai-chinh"
    from generator.documents.kit import new_from_kit

    new_from_kit(unit, kit, pipeline.BUNDLED_TEMPLATES)
    list_branches(unit / "data")
    report = unit / "data" / "bao-cao-tong-hop.yaml"
    report.write_text(report.read_text(encoding="utf-8").replace(
        "narrative: {}", f"narrative:\n  I.1:\n    - {OWN_WORDS}"), encoding="utf-8")
    first = pipeline.build(unit / "data", unit / "out")
    rng = random.Random(21)
    typed, folder = {}, root / "tra-ve"
    folder.mkdir()
    for n, (branch, name) in enumerate(BRANCHES):
        target = folder / f"BC {branch}.docx"
        typed[branch] = fill_returns.fill(unit / "out" / "don-vi" / f"{branch}.docx", target, rng)
        fill_returns.write_words(target, target, rng, name)
        if n == 3:  # one branch's office uses LibreOffice
            shutil.move(libreoffice_resave(target, root), target)
    from generator.intake.collect import collect

    taken = collect([folder], unit / "data")
    assert len(taken.stored) == 4 and not taken.refused
    second = pipeline.build(unit / "data", unit / "out")
    up = unit / "out" / "gui-cap-tren" / f"{UNIT}.docx"
    received = collect([up], bloc)
    return {"root": root, "bloc": bloc, "bloc_out": bloc_out, "kit": kit, "unit": unit, "typed": typed,
            "first": first, "second": second, "up": up, "received": received}


def test_the_kit_is_made_for_each_unit_with_branches_and_only_for_them(tiers):
    data = load_campaign(tiers["bloc"])
    kits = sorted(p.stem for p in (tiers["bloc_out"] / "bo-du-lieu").glob("*.zip"))
    assert kits == sorted(m.id for m in data.members.values() if m.level.branches)
    assert len(kits) == 32 and UNIT in kits
    names = zipfile.ZipFile(tiers["kit"]).namelist()
    assert sorted(names) == ["bo-du-lieu.yaml", "cap-tren/chien-dich.yaml", "cap-tren/de-cuong.yaml",
                             "cap-tren/don-vi.csv", "cap-tren/ke-hoach.yaml", "cap-tren/phu-luc.yaml"]


def test_the_units_campaign_heads_its_branches_skeletons(tiers):
    unit = load_campaign(tiers["unit"] / "data")
    assert unit.campaign.issuer.name == "Đảng ủy Sở Tài chính"
    assert unit.campaign.issuer.superior == "Đảng bộ Khối các cơ quan và doanh nghiệp tỉnh"
    assert [lv.name for lv in unit.campaign.levels] == ["Chi bộ trực thuộc"]
    level = unit.campaign.levels[0]
    bloc = load_campaign(tiers["bloc"])
    assert level.report_deadline < bloc.member(UNIT).level.report_deadline
    skeleton = docx.Document(tiers["unit"] / "out" / "don-vi" / "chi-bo-van-phong-so.docx")
    header = [p.text for p in all_paragraphs(skeleton)][:6]
    assert "ĐẢNG BỘ SỞ TÀI CHÍNH" in header and "T/M CHI BỘ" in [p.text for p in all_paragraphs(skeleton)]
    assert "gui-cap-tren/dang-bo-so-tai-chinh.docx" not in tiers["first"].written  # no returns yet


def test_the_report_sent_up_is_taken_by_the_bloc_by_its_marks(tiers):
    received = tiers["received"]
    assert [u for _, u in received.stored] == [UNIT] and not received.refused and not received.notes
    record = load_campaign(tiers["bloc"]).returns[UNIT]
    assert record.source.identified_by == "dấu"
    assert record.texts.get("I.1") == [OWN_WORDS]          # the unit's own part, read as its words


def test_the_blocs_totals_are_the_sums_of_what_the_branches_typed(tiers):
    bloc = load_campaign(tiers["bloc"])
    totals = Totals(bloc).sums
    checked = 0
    for tag in tiers["typed"]["chi-bo-van-phong-so"]:
        _, table, row, column = tag.split(":")
        typed = [t.get(tag) for t in tiers["typed"].values()]
        kind = next(r.type for r in bloc.appendix.tables[[t.id for t in bloc.appendix.tables].index(table)].rows
                    if r.id == row)
        if kind == "yesno":
            answered = [v for v in typed if v is not None]
            assert totals[table]["yes"][row] == (1 if any(answered) else 0), tag
        else:
            expected = sum(v for v in typed if v is not None)
            assert totals[table]["values"][row][column] == expected, tag
        checked += 1
    assert checked >= 25


def test_the_report_sent_up_has_the_branches_table_and_its_own_words(tiers):
    document = docx.Document(tiers["up"])
    texts = [p.text.replace("\u00a0", " ") for p in all_paragraphs(document)]
    assert OWN_WORDS in texts
    assert "Số liệu chủ yếu của các chi bộ trực thuộc".upper() in [t.upper() for t in texts]
    table = next(t for t in document.tables if len(t.rows) > 2 and len(t.rows[1].cells) > 1
                 and t.rows[1].cells[1].text.replace("\u00a0", " ") == BRANCHES[0][1])
    assert table.rows[-1].cells[1].text == "Tổng cộng"
    names = [row.cells[1].text.replace("\u00a0", " ") for row in table.rows[1:-1]]
    assert names == [name for _, name in BRANCHES]
    custom = zipfile.ZipFile(tiers["up"]).read("docProps/custom.xml").decode("utf-8")
    assert "vanban_rollup" in custom and "so-ket-nq01-ct01-2021-dang-bo-so-tai-chinh" in custom
    assert f">{UNIT}<" in custom


def test_nothing_is_rebuilt_when_nothing_changed(tiers):
    again = pipeline.build(tiers["unit"] / "data", tiers["unit"] / "out")
    assert again.written == [] and "gui-cap-tren/dang-bo-so-tai-chinh.docx" in again.unchanged


# --- mismatches are refused ---------------------------------------------------------------------

def _rezip(kit: Path, target: Path, change) -> Path:
    with zipfile.ZipFile(kit) as src, zipfile.ZipFile(target, "w") as dst:
        for name in src.namelist():
            dst.writestr(name, change(name, src.read(name)))
    return target


def test_a_kit_whose_contents_do_not_match_its_label_is_refused_at_new(tiers, tmp_path, capsys):
    other = _rezip(tiers["kit"], tmp_path / "khac.zip", lambda n, b: b.replace(
        b"campaign: so-ket-nq01-ct01-2021", b"campaign: chien-dich-khac") if n == "bo-du-lieu.yaml" else b)
    code, _, err = run_cli(["new", tmp_path / "a", "--from", other], capsys)
    assert code == 2 and "chien-dich-khac" in err and "so-ket-nq01-ct01-2021" in err
    forms = _rezip(tiers["kit"], tmp_path / "pl.zip", lambda n, b: b.replace(
        "Số hội nghị".encode(), "Số cuộc họp".encode()) if n.endswith("phu-luc.yaml") else b)
    code, _, err = run_cli(["new", tmp_path / "b", "--from", forms], capsys)
    assert code == 2 and "phụ lục bên trong" in err and "phiên bản" in err
    odd = tmp_path / "la.zip"
    with zipfile.ZipFile(odd, "w") as zf:
        zf.writestr("../../thoat.txt", "x")
    code, _, err = run_cli(["new", tmp_path / "c", "--from", odd], capsys)
    assert code == 2 and "tệp lạ" in err and not (tmp_path / "c").exists()
    (tmp_path / "khong-phai.zip").write_bytes(b"not a zip")
    code, _, err = run_cli(["new", tmp_path / "d", "--from", tmp_path / "khong-phai.zip"], capsys)
    assert code == 2 and "không mở được" in err and "Traceback" not in err


def test_forms_changed_in_the_units_campaign_are_reported_and_nothing_is_built(tiers, tmp_path, capsys):
    unit = tmp_path / "u"
    shutil.copytree(tiers["unit"], unit)
    forms = unit / "data" / "phu-luc.yaml"
    forms.write_text(forms.read_text(encoding="utf-8").replace("Số hội nghị", "Số cuộc họp"), encoding="utf-8")
    before = {p: p.read_bytes() for p in (unit / "out").rglob("*.docx")}
    code, _, err = run_cli(["check", "--data", unit / "data"], capsys)
    assert code == 1 and "phụ lục đã khác phụ lục của cấp trên" in err
    code, _, err = run_cli(["build", "--data", unit / "data", "--out", unit / "out"], capsys)
    assert code == 1 and "phụ lục đã khác phụ lục của cấp trên" in err
    assert {p: p.read_bytes() for p in (unit / "out").rglob("*.docx")} == before


def test_a_report_sent_up_on_forms_the_bloc_has_since_changed_is_refused(tiers, tmp_path):
    from generator.intake.collect import collect

    bloc = tmp_path / "bloc"
    shutil.copytree(tiers["bloc"], bloc, ignore=shutil.ignore_patterns("bao-cao"))
    forms = bloc / "phu-luc.yaml"
    forms.write_text(forms.read_text(encoding="utf-8").replace("Số hội nghị", "Số cuộc họp"), encoding="utf-8")
    report = collect([tiers["up"]], bloc)
    assert not report.stored
    (_, why), = report.refused
    assert "bộ dữ liệu" in why and "phiên bản" in why


def test_the_report_sent_up_carries_how_many_branches_were_approved(tiers, capsys):
    from conftest import run_cli
    from generator.intake.collect import collect
    from generator.review import states

    unit_data = tiers["unit"] / "data"
    campaign = load_campaign(unit_data)
    for branch, _ in BRANCHES[:2]:
        states.change(unit_data, branch, states.APPROVED, campaign.returns[branch].source.sha256)
    pipeline.build(unit_data, tiers["unit"] / "out")
    document = docx.Document(tiers["up"])
    assert "Báo cáo lập từ báo cáo của 4/4 chi bộ trực thuộc, trong đó 2 báo cáo đã được duyệt." in [
        p.text for p in document.paragraphs]
    report = collect([tiers["up"]], tiers["bloc"], replace=True)
    assert [u for _, u in report.replaced] == [UNIT]
    assert load_campaign(tiers["bloc"]).returns[UNIT].branches_approved == "2/4/4"
    code, said, err = run_cli(["status", "--data", tiers["bloc"]], capsys)
    assert "Đảng bộ Sở Tài chính: lập từ báo cáo của 4/4 chi bộ trực thuộc, 2 báo cáo đã được duyệt" in said


def test_the_report_sent_up_gets_a_pdf_with_signature_fields(tiers):
    """``vanban build --pdf`` in the unit's campaign: the report sent up is signed, so it gets
    a PDF with the signer's and the organisation's empty fields; the branches' skeletons none."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields

    from generator.documents import pdf

    if not shutil.which("pdftotext"):
        pytest.skip("cần poppler-utils")
    out = tiers["unit"] / "out"
    made = pdf.convert(out)
    assert f"gui-cap-tren/{UNIT}.pdf" in made and not any(m.startswith("don-vi/") for m in made)
    with open(out / "gui-cap-tren" / f"{UNIT}.pdf", "rb") as fh:
        names = {name: value for name, value, _ in enumerate_sig_fields(PdfFileReader(fh))}
    assert names == {"ChuKyNguoiKy": None, "ChuKyCoQuan": None}


# --- signable: the report sent up and the unit's plan -------------------------------------------

def _figure(text: str) -> float:
    return float(text.replace(".", "").replace(",", "."))


def _seen(cell) -> str:
    """A cell's text as a reader sees it, content controls included."""
    from docx.oxml.ns import qn

    return "".join(t.text or "" for t in cell._tc.iter(qn("w:t")))


def test_the_report_sent_up_holds_no_instruction_and_marks_what_is_unwritten(tiers):
    from conftest import line_under, shading
    from generator.config.structure import GUIDANCE_LABEL

    document = docx.Document(tiers["up"])
    paragraphs = all_paragraphs(document)
    texts = [p.text for p in paragraphs]
    assert not [t for t in texts if "xóa đoạn này" in t or t.startswith(GUIDANCE_LABEL.split(" (")[0])]
    # the draft mark under every part the unit has not written, its own words under I.1
    segments = fill_returns._segments(document)
    assert segments
    for key, heading, under in segments:
        said = [p.text for p in under if p.text.strip()]
        if key == "I.1":
            assert said == [OWN_WORDS]
        elif not [k for k, _, _ in segments if k.startswith(key + ".")]:
            assert said and said[0].startswith("[Dự thảo — phần này chưa viết."), (key, said)
            assert said[0].endswith("]")
    top = [p for p in paragraphs if p.style.style_id == "VBNhacHan"]
    assert [p.text.split(" — ")[0] for p in top] == ["DỰ THẢO"]
    # the draft's bookkeeping line right under it; no branch approved yet is said in words
    from generator.review import states

    unit_data = tiers["unit"] / "data"
    campaign = load_campaign(unit_data)
    saved = states.load(unit_data)
    approved = sum(states.state_of(saved, b, r.source.sha256) == states.APPROVED
                   for b, r in campaign.returns.items())
    at = texts.index(top[0].text)
    assert texts[at + 1] == "Báo cáo lập từ báo cáo của 4/4 chi bộ trực thuộc, " + (
        f"trong đó {approved} báo cáo đã được duyệt." if approved else "chưa báo cáo nào được duyệt.")
    assert "Chưa phải bản để ký." in top[0].text
    # every cell a unit signs: a figure or empty; computed ones shaded, filled from the figures above them
    pl1 = next(t for t in document.tables if t._tbl.find(
        ".//{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblCaption") is not None
        and "Tỷ lệ đảng viên được học tập, quán triệt" in [r.cells[1].text for r in t.rows])
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                assert not _seen(cell).startswith("Không ghi"), _seen(cell)
    rows = {r.cells[1].text: r for r in pl1.rows}
    members, learned = (_figure(_seen(rows[label].cells[3])) for label in (
        "Tổng số đảng viên của đơn vị", "Số đảng viên đã được học tập, quán triệt"))
    rate = rows["Tỷ lệ đảng viên được học tập, quán triệt"].cells[3]
    assert rate.text == f"{learned / members * 100:.1f}".replace(".", ",")
    assert shading(rate) == "E7E6E6" and shading(rows["Tổng số đảng viên của đơn vị"].cells[3]) is None
    assert line_under(pl1).replace("\u00a0", " ") == (
        "Ghi chú: ô nền xám là số tự tính: tỷ lệ (%) dòng 6 = (5) : (1) × 100.")
    years = next(t for t in document.tables if t.rows[0].cells[-1].text == "Tổng cộng"
                 and t.rows[0].cells[3].text.startswith("Năm"))
    for row in years.rows[1:]:
        if row.cells[2].text == "%":
            continue
        assert _figure(_seen(row.cells[-1])) == sum(_figure(_seen(c)) for c in row.cells[3:-1] if _seen(c))
        assert shading(row.cells[-1]) == "E7E6E6"
    # the campaign above reads neither the draft marks nor the note on the branches as words
    record = load_campaign(tiers["bloc"]).returns[UNIT]
    assert record.texts == {"I.1": [OWN_WORDS]}


def test_once_every_part_is_written_the_report_sent_up_has_no_draft_mark_and_no_red_note(tiers, tmp_path):
    from generator.config.structure import node_keys

    unit = tmp_path / "unit"
    shutil.copytree(tiers["unit"], unit)
    data = load_campaign(unit / "data")
    report = unit / "data" / "bao-cao-tong-hop.yaml"
    written = {key: [f"Nội dung phần {key} của Đảng ủy."] for key in node_keys(data.outline, data.profile)}
    raw = yaml.safe_load(report.read_text(encoding="utf-8"))
    raw["narrative"] = written
    raw["signer"]["name"] = "Lê Văn Bình"
    report.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    pipeline.build(unit / "data", unit / "out")
    document = docx.Document(unit / "out" / "gui-cap-tren" / f"{UNIT}.docx")
    paragraphs = all_paragraphs(document)
    assert not [p.text for p in paragraphs if p.style.style_id == "VBNhacHan"]      # nothing red
    assert not [p.text for p in paragraphs if "Dự thảo" in p.text or "DỰ THẢO" in p.text]
    assert "Nội dung phần II.1.a của Đảng ủy." in [p.text for p in paragraphs]
    # no bookkeeping sentence a signer would strike; the count stays in the properties
    assert not [p.text for p in paragraphs if "Báo cáo lập từ" in p.text or "đã được duyệt" in p.text]
    # the signer named in the unit's own report signs the report sent up, as in bao-cao-tong-hop
    seen = [p.text for p in paragraphs]
    assert "Lê Văn Bình" in seen and "(Họ và tên)" not in seen
    own = [p.text for p in all_paragraphs(docx.Document(unit / "out" / "bao-cao-tong-hop.docx"))]
    assert "Lê Văn Bình" in own


def test_the_units_plan_has_a_place_for_its_signers_name_and_check_says_it_is_missing(tiers, capsys):
    from conftest import run_cli

    plan = docx.Document(tiers["unit"] / "out" / "ke-hoach.docx")
    signature = [p.text for p in plan.tables[-1].rows[0].cells[1].paragraphs if p.text.strip()]
    assert signature == ["T/M ĐẢNG ỦY", "BÍ THƯ", "(Họ và tên)"]
    code, out, err = run_cli(["check", "--data", tiers["unit"] / "data"], capsys)
    assert code == 0
    assert "ke-hoach.yaml" in err and "chưa ghi tên người ký" in err
    bloc_code, _, bloc_err = run_cli(["check", "--data", tiers["bloc"]], capsys)
    assert "chưa ghi tên người ký" not in bloc_err          # the Bloc's plan names its signer


def test_the_opening_written_as_mo_dau_is_refused_with_its_key_named(campaign, tmp_path, capsys):
    """The reader names the unnumbered part «mở đầu»; its key in ``narrative`` is ``opening``:
    a key written «mở đầu» is told so, and the warning on an unwritten opening names the key."""
    from conftest import run_cli

    report = campaign / "bao-cao-tong-hop.yaml"
    text = report.read_text(encoding="utf-8")
    assert "\n  opening:\n" in text
    report.write_text(text.replace("\n  opening:\n", "\n  \"mở đầu\":\n"), encoding="utf-8")
    code, _, err = run_cli(["check", "--data", campaign], capsys)
    assert code == 1 and "bao-cao-tong-hop.yaml" in err
    assert "phần mở đầu có khóa «opening»" in err and "«opening:»" in err
    raw = yaml.safe_load(text)
    raw["narrative"] = {}
    report.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    code, out, err = run_cli(["build", "--data", campaign, "--out", tmp_path / "out"], capsys)
    assert code == 0, err
    said = out + err
    assert "phần chưa viết (mở đầu" in said and "phần mở đầu với khóa «opening:»" in said
