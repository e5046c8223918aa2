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
from generator import main as pipeline
from generator.contexts.consolidated import Totals
from generator.validate import load_campaign

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
    from generator.kit import new_from_kit

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
    from generator.collect import collect

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
    texts = [p.text for p in all_paragraphs(document)]
    assert OWN_WORDS in texts
    assert "Số liệu chủ yếu của các chi bộ trực thuộc".upper() in [t.upper() for t in texts]
    table = next(t for t in document.tables if len(t.rows) > 2 and len(t.rows[1].cells) > 1
                 and t.rows[1].cells[1].text == BRANCHES[0][1])
    assert table.rows[-1].cells[1].text == "Tổng cộng"
    names = [row.cells[1].text for row in table.rows[1:-1]]
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
    from generator.collect import collect

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
    from generator.collect import collect
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

    from generator import pdf

    if not shutil.which("pdftotext"):
        pytest.skip("cần poppler-utils")
    out = tiers["unit"] / "out"
    made = pdf.convert(out)
    assert f"gui-cap-tren/{UNIT}.pdf" in made and not any(m.startswith("don-vi/") for m in made)
    with open(out / "gui-cap-tren" / f"{UNIT}.pdf", "rb") as fh:
        names = {name: value for name, value, _ in enumerate_sig_fields(PdfFileReader(fh))}
    assert names == {"ChuKyNguoiKy": None, "ChuKyCoQuan": None}
