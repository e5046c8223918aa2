"""Review before signing: checks written as data, the queue, decisions that last, the gate.

Returns are filled in the skeletons as people fill them (python-docx, runs split): a set of
clean ones, and a dozen planted problems of six kinds — a part above its whole, a negative
count, a count with decimals, a blank required cell, a «both or neither» pair half filled, a
rule across two tables. Every planted problem must be in the queue; the clean returns none.
"""

from __future__ import annotations

import re
from docx.enum.text import WD_ALIGN_PARAGRAPH
from conftest import alignment
import shutil
import zipfile
from pathlib import Path

import docx
import yaml
import pytest

import fill_returns
from conftest import DATA, run_cli
from generator.app import main as pipeline
from generator.intake.collect import collect
from generator.review import decisions, queue
from generator.formats import vnrules
from generator.config.validate import load_campaign

CLEAN = {("pl1", "r1"): 100, ("pl1", "r2"): 5, ("pl1", "r3"): 10, ("pl1", "r4"): 300, ("pl1", "r5"): 90,
         ("pl1", "r7"): 3, ("pl2", "dang-ky"): 10, ("pl2", "cong-nhan"): 8}


def fill_clean(skeleton: Path, target: Path, overrides: dict[str, str] | None = None) -> None:
    """Every marked cell filled with figures that meet every rule; ``overrides`` (tag
    without «vanban:» → text) typed instead where given ("" leaves the cell blank)."""
    document = docx.Document(skeleton)
    for tag, cell in fill_returns.marked_cells(document).items():
        _, table, row, column = tag.split(":")
        key = f"{table}:{row}:{column}"
        if overrides and key in overrides:
            text = overrides[key]
        elif table == "pl3":
            text = "Có"
        elif table == "pl4":
            text = "2"
        else:
            text = str(CLEAN[(table, row)])
        if text:
            fill_returns.type_into(cell, text)
    document.save(target)


PLANTED = {   # unit index → (cells typed, the rule expected to catch it)
    0: ({"pl1:r5:so-luong": "150"}, "hoc-tap-khong-qua-tong-so"),                 # part above whole
    1: ({"pl1:r3:so-luong": "-4"}, "pl1-khong-am"),                              # negative
    2: ({"pl1:r7:so-luong": "2,5"}, "pl1-so-nguyen"),                            # decimals in a count
    3: ({"pl1:r1:so-luong": ""}, "phai-co-tong-so-dang-vien"),                   # a required blank
    4: ({"pl2:cong-nhan:y2018": ""}, "dang-ky-va-cong-nhan-cung-ghi"),           # both or neither
    5: ({"pl4:giay-khen-co-so:ca-nhan": "400"}, "giay-khen-ca-nhan-khong-qua-so-dang-vien"),  # across tables
    6: ({"pl2:cong-nhan:y2016": "12"}, "cong-nhan-khong-qua-dang-ky"),           # part above whole, per year
    7: ({"pl1:r4:so-luong": "40"}, "luot-tham-gia-it-nhat-bang-so-hoc-tap"),     # across rows
    8: ({"pl1:r5:so-luong": "101", "pl1:r1:so-luong": "100"}, "hoc-tap-khong-qua-tong-so"),
    9: ({"pl2:dang-ky:y2020": ""}, "dang-ky-va-cong-nhan-cung-ghi"),
    10: ({"pl4:huan-chuong:tap-the": "-1"}, "pl4-khong-am"),
    11: ({"pl2:dang-ky:y2017": "3,5"}, "pl2-so-nguyen"),
}


@pytest.fixture
def reviewed(tmp_path):
    """The example with 12 planted returns and 8 clean ones collected."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("bao-cao", ".*"))
    out = tmp_path / "out"
    pipeline.build(data, out)
    units = [u.id for u in load_campaign(data).units]
    sent = tmp_path / "gui"
    sent.mkdir()
    planted_units = {}
    for i, unit in enumerate(units[:20]):
        overrides, rule = PLANTED.get(i, (None, None))
        fill_clean(out / "don-vi" / f"{unit}.docx", sent / f"{unit}.docx", overrides)
        if rule:
            planted_units[unit] = rule
    report = collect(sorted(sent.iterdir()), data)
    assert not report.refused, report.refused
    return data, out, planted_units, units[:20]


def test_every_planted_problem_is_in_the_queue_and_none_from_clean_returns(reviewed):
    data, out, planted, units = reviewed
    items = queue.build(load_campaign(data), data)
    by_rule = [(i.finding.unit, i.finding.rule) for i in items if i.finding.kind == "quy tắc"]
    for unit, rule in planted.items():
        assert (unit, rule) in by_rule, (unit, rule)
    clean = [u for u in units if u not in planted]
    assert not [i for i in items if i.finding.unit in clean and i.finding.kind == "quy tắc"]
    # sorted: every «cao» before any «trung bình», before any «thấp»
    ranks = [i.severity_rank for i in items]
    assert ranks == sorted(ranks)


def test_the_command_line_lists_filters_and_decides(reviewed, capsys):
    data, out, planted, units = reviewed
    code, said, err = run_cli(["review", "--data", data, "--muc", "cao"], capsys)
    assert code == 0
    lines = [line for line in said.splitlines() if line.startswith("[")]
    assert lines and all(line.startswith("[cao]") for line in lines)
    assert "Phụ lục 1, dòng «Số đảng viên đã được học tập, quán triệt»" in said
    assert "báo cáo tổng hợp đang là bản DỰ THẢO" in said.replace("Báo", "báo")
    key = re.search(r"\[cao\] ([0-9a-f]{8})", said).group(1)
    code, said, err = run_cli(["review", "--data", data, "--quyet-dinh", key, "--chap-nhan"], capsys)
    assert code == 0 and "đã ghi quyết định «chấp nhận»" in said
    code, said, err = run_cli(["review", "--data", data, "--quyet-dinh", key, "--giai-trinh", ""], capsys)
    assert code == 2 and "cần ghi rõ" in err
    log = decisions.read_log(data)
    assert len(log) == 1 and log[0]["quyet_dinh"] == "chấp nhận" and len(log[0]["tep_sha256"]) == 64


def _consolidated_text(out: Path) -> str:
    document = docx.Document(out / "bao-cao-tong-hop.docx")
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_report_is_a_draft_with_marks_until_every_high_finding_is_decided(reviewed, capsys):
    data, out, planted, units = reviewed
    pipeline.build(data, out)
    text = _consolidated_text(out)
    assert "DỰ THẢO — còn" in text and "(*)" in text
    code, said, err = run_cli(["build", "--data", data, "--out", out, "--ban-chinh-thuc"], capsys)
    assert code == 5 and "Chưa sinh được bản chính thức" in err and "[cao]" in err
    items = queue.build(load_campaign(data), data)
    for item in queue.open_high(items):
        decisions.decide(data, item.finding, decisions.EXPLAINED, "đơn vị đã giải trình bằng công văn")
    code, said, err = run_cli(["build", "--data", data, "--out", out, "--ban-chinh-thuc"], capsys)
    assert code == 0, err
    text = _consolidated_text(out)
    assert "DỰ THẢO" not in text and "(*)" not in text


def test_decisions_last_through_a_recollect_and_a_rebuild_and_a_changed_value_reopens_its_finding(reviewed, tmp_path):
    data, out, planted, units = reviewed
    items = queue.build(load_campaign(data), data)
    for item in items:
        decisions.decide(data, item.finding, decisions.ACCEPTED, "đã xem")
    # the same files collected again, a rebuild: every decision still applies
    resent = tmp_path / "gui"
    collect(sorted(resent.iterdir()), data, replace=True)
    pipeline.build(data, out)
    again = queue.build(load_campaign(data), data)
    assert again and all(not i.open for i in again)
    # one unit sends a corrected file where one value changed: exactly its finding reopens
    unit = units[0]                                   # planted: r5 = 150 above r1 = 100
    fill_clean(out / "don-vi" / f"{unit}.docx", tmp_path / f"{unit}.docx", {"pl1:r5:so-luong": "120"})
    report = collect([tmp_path / f"{unit}.docx"], data, replace=True)
    assert report.replaced
    now = queue.build(load_campaign(data), data)
    reopened = [i for i in now if i.open]
    # exactly the findings on the changed cell reopen: its rule's, and (its value being far
    # from the others') the comparison with the level's other units
    assert {(i.finding.unit, i.finding.cells[0]) for i in reopened} == {(unit, "pl1.r5.so-luong")}
    rule = [i for i in reopened if i.finding.rule == "hoc-tap-khong-qua-tong-so"]
    assert len(rule) == 1 and rule[0].finding.values == (120, 100)


def test_a_corrected_value_is_used_in_the_total_and_the_typed_one_kept(reviewed):
    data, out, planted, units = reviewed
    unit = units[0]
    items = queue.build(load_campaign(data), data)
    item = next(i for i in items if i.finding.unit == unit and i.finding.rule == "hoc-tap-khong-qua-tong-so")
    decisions.decide(data, item.finding, decisions.CORRECTED, "đơn vị báo nhầm, đúng là 95", corrected=95)
    pipeline.build(data, out)
    campaign = load_campaign(data)
    assert campaign.returns[unit].figures["pl1"]["r5"]["so-luong"] == 150   # the typed value kept
    reported = [u for u in units if u in campaign.returns]
    expected = sum(95 if u == unit else campaign.returns[u].figures["pl1"]["r5"].get("so-luong") or 0
                   for u in reported)
    text = _consolidated_text(out)
    assert f"{expected:,}".replace(",", ".") in text


def test_a_rule_with_a_mistake_is_a_data_error_with_file_line_and_key(reviewed, capsys):
    data, out, planted, units = reviewed
    path = data / "kiem-tra.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("right: pl1.r1.so-luong\n", "right: pl1.r99.so-luong\n", 1)
    text = text.replace("op: cả hai hoặc không", "op: gần bằng", 1)
    path.write_text(text, encoding="utf-8")
    code, said, err = run_cli(["check", "--data", data], capsys)
    assert code == 1
    assert re.search(r"kiem-tra\.yaml, dòng \d+, mục «rules\[\d+\]\.right»: lỗi: phụ lục «pl1» không có dòng «r99»", err)
    assert re.search(r"kiem-tra\.yaml, dòng \d+, mục «rules\[\d+\]\.op»", err)


def test_a_rate_is_worked_out_over_the_units_that_gave_both_figures_and_says_so(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("bao-cao", ".*"))
    out = tmp_path / "out"
    pipeline.build(data, out)
    units = [u.id for u in load_campaign(data).units][:3]
    sent = tmp_path / "gui"
    sent.mkdir()
    fill_clean(out / "don-vi" / f"{units[0]}.docx", sent / "a.docx",
               {"pl1:r1:so-luong": "", "pl1:r5:so-luong": "50"})                 # the whole left blank
    fill_clean(out / "don-vi" / f"{units[1]}.docx", sent / "b.docx",
               {"pl1:r1:so-luong": "100", "pl1:r5:so-luong": "90"})
    fill_clean(out / "don-vi" / f"{units[2]}.docx", sent / "c.docx",
               {"pl1:r1:so-luong": "200", "pl1:r5:so-luong": "190"})
    collect(sorted(sent.iterdir()), data)
    pipeline.build(data, out)
    document = docx.Document(out / "bao-cao-tong-hop.docx")
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    table = next(t for t in document.tables
                 if (c := t._tbl.tblPr.find(w + "tblCaption")) is not None and c.get(w + "val") == "vanban:pl1")
    rate = next(r for r in table.rows if r.cells[1].text.startswith("Tỷ lệ đảng viên"))
    assert rate.cells[-1].text.split(" ")[0] == "93,3"      # 280 / 300, not 330 / 300 = 110 %
    said = "\n".join(p.text for p in document.paragraphs)
    assert ("Tỷ lệ «Tỷ lệ đảng viên được học tập, quán triệt» tính trên 2 đơn vị ghi đủ cả hai số; "
            "1 đơn vị chỉ ghi một trong hai số không được tính vào tỷ lệ.") in said


def test_every_consolidated_figure_is_traced_to_the_cells_that_make_it(reviewed):
    import openpyxl

    from generator.documents import trace

    data, out, planted, units = reviewed
    campaign = load_campaign(data)
    items = queue.build(campaign, data)
    item = next(i for i in items if i.finding.rule == "hoc-tap-khong-qua-tong-so")
    decisions.decide(data, item.finding, decisions.CORRECTED, "đúng là 95", corrected=95)
    pipeline.build(data, out)
    campaign = load_campaign(data)
    traced = {t.cell: t for t in trace.trace(campaign, queue.build(campaign, data))}
    # every number the consolidated tables print has its sources
    document = docx.Document(out / "bao-cao-tong-hop.docx")
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    checked = 0
    for t in document.tables:
        caption = t._tbl.tblPr.find(w + "tblCaption")
        table_id = caption.get(w + "val").removeprefix("vanban:") if caption is not None else ""
        if table_id not in ("pl1", "pl2", "pl4"):
            continue
        spec = next(x for x in campaign.appendix.tables if x.id == table_id)
        from generator.config.layout import columns
        cols = columns(spec)
        header = [c.text for c in t.rows[0].cells]
        for row_spec, row in zip(spec.rows, t.rows[1:]):
            for col in cols:
                printed = row.cells[header.index(col.title)].text.removesuffix(" (*)")
                if not printed:
                    continue
                figure = traced[f"{table_id}.{row_spec.id}.{col.id}"]
                assert figure.contributions, figure.cell            # no figure without sources
                if row_spec.type == "count":
                    total = sum(c.used for c in figure.contributions)
                    assert figure.value == pytest.approx(total), figure.cell
                    assert vnrules.figure(total, 0 if float(total).is_integer() else 2) == printed, figure.cell
                checked += 1
    assert checked > 30
    # the corrected value is what was used; the typed one is beside it
    r5 = [c for c in traced["pl1.r5.so-luong"].contributions if c.unit == item.finding.unit]
    assert r5 and r5[0].stored == 150 and r5[0].used == 95
    # the workbook shows the same, each unit's file by name and hash, the file itself kept
    book = openpyxl.load_workbook(out / "nguon-so-lieu.xlsx")
    rows = list(book["Theo đơn vị"].iter_rows(values_only=True))
    mine = [r for r in rows if r[0] == "pl1.r5.so-luong" and r[2] == item.finding.unit]
    assert mine and mine[0][6] == 150 and mine[0][7] == 95 and "sửa" in mine[0][10]
    sha = mine[0][4]
    kept = list((data / "bao-cao" / "tep").glob(f"{sha}.docx"))
    assert kept and __import__("hashlib").sha256(kept[0].read_bytes()).hexdigest() == sha


def test_a_value_far_from_its_levels_others_and_from_last_time_is_a_low_finding(tmp_path):
    import yaml

    from generator.review import peers

    data = tmp_path / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("bao-cao", ".*"))
    out = tmp_path / "out"
    pipeline.build(data, out)
    campaign = load_campaign(data)
    level = campaign.members[campaign.units[0].id].level.id
    same = [u.id for u in campaign.units if campaign.members[u.id].level.id == level][:12]
    sent = tmp_path / "gui"
    sent.mkdir()
    for i, unit in enumerate(same):
        meetings = "400" if i == 5 else str(8 + i % 5)               # one unit typed 400 meetings
        fill_clean(out / "don-vi" / f"{unit}.docx", sent / f"{unit}.docx", {"pl1:r3:so-luong": meetings})
    collect(sorted(sent.iterdir()), data)
    (data / peers.PREVIOUS).mkdir()
    (data / peers.PREVIOUS / f"{same[0]}.yaml").write_text(yaml.safe_dump(
        {"unit": same[0], "figures": {"pl1": {"r1": {"so-luong": 20}}}}), encoding="utf-8")
    items = queue.build(load_campaign(data), data)
    odd = [i for i in items if i.finding.rule == peers.PEERS_RULE]
    assert [(i.finding.unit, i.finding.cells) for i in odd] == [(same[5], ("pl1.r3.so-luong",))]
    assert odd[0].finding.severity == "thấp" and "trung vị của 12 đơn vị là 10" in odd[0].finding.message
    assert odd[0].effect and odd[0].effect > 0.7                      # most of the total is this one value
    jumped = [i for i in items if i.finding.rule == peers.HISTORY_RULE]
    assert [(i.finding.unit, i.finding.cells) for i in jumped] == [(same[0], ("pl1.r1.so-luong",))]
    assert "kỳ trước 20" in jumped[0].finding.message
    # with only a few units reporting, nothing is called far from the others
    assert not peers.outliers(_only(load_campaign(data), same[:5]))


def _only(campaign, units):
    campaign.returns = {u: r for u, r in campaign.returns.items() if u in units}
    return campaign


def test_an_approved_return_is_locked_until_unlocked_with_a_reason(reviewed, tmp_path, capsys):
    data, out, planted, units = reviewed
    unit = units[15]                                   # a clean return
    code, said, err = run_cli(["review", "--data", data, "--duyet", unit], capsys)
    assert code == 0 and ": đã duyệt" in said
    fill_clean(out / "don-vi" / f"{unit}.docx", tmp_path / "moi.docx", {"pl1:r2:so-luong": "7"})
    code, said, err = run_cli(["collect", tmp_path / "moi.docx", "--data", data, "--replace"], capsys)
    assert code == 1 and "đã được duyệt, số liệu đã khóa" in err
    assert load_campaign(data).returns[unit].figures["pl1"]["r2"]["so-luong"] == 5
    code, said, err = run_cli(["review", "--data", data, "--mo-khoa", unit], capsys)
    assert code == 2 and "cần ghi lý do" in err
    code, said, err = run_cli(["review", "--data", data, "--mo-khoa", unit, "--ly-do", "đơn vị đính chính"], capsys)
    assert code == 0 and "đã mở khóa" in said
    code, said, err = run_cli(["collect", tmp_path / "moi.docx", "--data", data, "--replace"], capsys)
    assert code == 0 and load_campaign(data).returns[unit].figures["pl1"]["r2"]["so-luong"] == 7
    # sent back needs its reason; every change is in the log
    code, said, err = run_cli(["review", "--data", data, "--tra-lai", units[0]], capsys)
    assert code == 2
    code, said, err = run_cli(["review", "--data", data, "--tra-lai", units[0], "--ly-do", "số âm"], capsys)
    assert code == 0 and "1 trả lại" in said
    log = decisions.read_log(data)
    assert [(e["don_vi"], e["thanh"]) for e in log] == [(unit, "đã duyệt"), (unit, "đang xem xét"),
                                                        (units[0], "trả lại")]
    assert log[1]["ly_do"] == "đơn vị đính chính" and log[2]["ly_do"] == "số âm"


def test_completeness_cannot_exceed_all_and_names_an_empty_return(reviewed, tmp_path, capsys):
    import csv

    from generator.review import completeness

    data, out, planted, units = reviewed
    blank = units[16]
    document = docx.Document(out / "don-vi" / f"{blank}.docx")
    for p in document.paragraphs:                      # words, no figure: taken, 0 % complete
        if p.text == "" and p.style.name == "VB Nội dung":
            p.add_run("Đơn vị đã tổ chức quán triệt đầy đủ.")
            break
    document.save(tmp_path / "trong.docx")
    collect([tmp_path / "trong.docx"], data, replace=True)
    # a unit that reported is removed from the list: counted on neither side
    removed = units[17]
    rows = list(csv.DictReader(open(data / "don-vi.csv", encoding="utf-8")))
    with open(data / "don-vi.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows([r for r in rows if r["id"] != removed])
    found = completeness.completeness(load_campaign(data))
    assert all(level.received <= level.units and level.filled <= level.cells for level in found.levels)
    assert sum(level.received for level in found.levels) == 19
    assert found.removed == [removed]
    name = load_campaign(data).members[blank].name
    assert any(name in level.empty for level in found.levels)
    code, said, err = run_cli(["status", "--data", data], capsys)
    assert f"chưa điền ô nào (đầy đủ 0%): {name}" in said and "Không tính" in said and removed in said


def test_three_returns_sent_back_give_three_letters_in_the_campaigns_format(reviewed, capsys):
    from generator.review import states

    data, out, planted, units = reviewed
    sent = units[:3]
    for unit in sent:
        code, said, err = run_cli(["review", "--data", data, "--tra-lai", unit, "--ly-do",
                                   "số liệu Phụ lục 1 chưa khớp"], capsys)
        assert code == 0, err
    code, said, err = run_cli(["build", "--data", data, "--out", out], capsys)
    assert code == 0, err
    letters = sorted((out / "tra-lai").glob("*.docx"))
    assert [p.stem for p in letters] == sorted(sent)
    campaign = load_campaign(data)
    items = queue.build(campaign, data)
    for path in letters:
        unit = path.stem
        document = docx.Document(path)
        header = [c.text for c in document.tables[0].rows[0].cells]
        number = [c.text for c in document.tables[0].rows[1].cells]   # number | place and date
        # the subject broken into lines between words, where its column ends
        assert "Số    -CV/ĐUK" in number[0] and \
            "V/v trả lại báo cáo để bổ sung, đính chính" in number[0].replace("\n", " ")
        assert header[1].startswith("ĐẢNG CỘNG SẢN VIỆT NAM")
        styles = {p.text: p.style.name for p in document.tables[0].rows[1].cells[0].paragraphs}
        assert styles["Số    -CV/ĐUK"] == "VB Số, ký hiệu"
        body = [p.text for p in document.paragraphs]
        committee = campaign.members[unit].committee
        assert body[0] == f"Kính gửi: {committee}."
        assert any("Lý do: số liệu Phụ lục 1 chưa khớp." in p for p in body)
        for item in items:
            if item.finding.unit == unit and item.open:
                said = item.finding.message.rstrip(".")
                assert any(said[1:] in p and said[0].lower() == p[p.index(said[1:]) - 1].lower()
                           for p in body if said[1:] in p), said
        assert body[-1].endswith("./.")
        signature = [c.text for c in document.tables[-1].rows[0].cells]
        assert "T/M BAN THƯỜNG VỤ" in signature[1] and "Nơi nhận:" in signature[0]
        # the letter is dated today (after 27/5/2026): HD 05's form, not the plan's HD 36 —
        # recipients end in «;», the last in «.», the place and date centred
        assert campaign.profile.id == "dang-hd36"
        recipients = [p.text for p in document.tables[-1].rows[0].cells[0].paragraphs
                      if p.text.startswith("-")]
        assert len(recipients) == 2 and recipients[0].endswith(";") and recipients[-1].endswith(".")
        place_date = next(p for p in document.tables[0].rows[1].cells[1].paragraphs if "ngày" in p.text)
        assert alignment(place_date) == WD_ALIGN_PARAGRAPH.CENTER
        # no file name in the body; each finding line starts with a capital
        assert not [p for p in body if "tệp «" in p or ".docx" in p]
        findings = [p for p in body if p.startswith("- ")]
        assert findings and all(p[2].isupper() for p in findings), findings
        # after a place and its colon, the message goes on in lower case, whatever case it was typed in
        placed = [p.split(": ", 1)[1] for p in findings if ": " in p]
        assert placed and all(not p[0].isupper() or p.split()[0].isupper() for p in placed), placed
    # a new file from one of them: no longer sent back, its letter removed
    fill_clean(out / "don-vi" / f"{sent[0]}.docx", out.parent / "sua.docx")
    collect([out.parent / "sua.docx"], data, replace=True)
    pipeline.build(data, out)
    assert sorted(p.stem for p in (out / "tra-lai").glob("*.docx")) == sorted(sent[1:])
    assert states.load(data)[sent[0]].state == states.RETURNED      # the log of what happened stays


def test_a_letter_dated_before_hd05_keeps_hd36s_form(reviewed, capsys):
    """A letter dated before 27/5/2026 is written under HD 36: recipients end in «,», the place
    and date right-aligned."""
    from generator.review import states

    data, out, planted, units = reviewed
    code, _, err = run_cli(["review", "--data", data, "--tra-lai", units[0], "--ly-do", "thiếu số liệu"], capsys)
    assert code == 0, err
    path = states.dec.folder(data) / states.FILE
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw["units"][units[0]]["at"] = "2026-05-20T09:00:00"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    pipeline.build(data, out)
    document = docx.Document(out / "tra-lai" / f"{units[0]}.docx")
    place_date = next(p for p in document.tables[0].rows[1].cells[1].paragraphs if "ngày" in p.text)
    assert "ngày 20 tháng 5 năm 2026" in place_date.text
    assert alignment(place_date) == WD_ALIGN_PARAGRAPH.RIGHT
    recipients = [p.text for p in document.tables[-1].rows[0].cells[0].paragraphs if p.text.startswith("-")]
    assert recipients[0].endswith(",") and recipients[-1].endswith(".")


def test_a_state_letter_has_no_type_symbol_and_a_party_one_has_cv():
    from conftest import STATE
    from generator.formats import vnrules

    state = load_campaign(STATE)
    party = load_campaign(DATA)
    assert vnrules.number_line(None, vnrules.letter_type(state.profile), state.campaign.issuer.symbol,
                               state.profile).startswith("Số: ")
    assert "-CV/" not in vnrules.number_line(None, vnrules.letter_type(state.profile), "UBND", state.profile)
    assert vnrules.number_line(None, vnrules.letter_type(party.profile), "ĐUK", party.profile).endswith("-CV/ĐUK")


def test_a_report_of_approved_returns_only_adds_those_and_says_so(reviewed, capsys):
    data, out, planted, units = reviewed
    path = data / "bao-cao-tong-hop.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\napproved_only: true\n", encoding="utf-8")
    approved = units[14:17]
    for unit in approved:
        assert run_cli(["review", "--data", data, "--duyet", unit], capsys)[0] == 0
    pipeline.build(data, out)
    text = _consolidated_text(out)
    assert "Số liệu tổng hợp từ 3 báo cáo đã duyệt trên 20 báo cáo đã nhận." in text
    assert "đến nay đã có 20/49" in text                       # received is still said as received
    members = sum(load_campaign(data).returns[u].figures["pl1"]["r1"]["so-luong"] for u in approved)
    document = docx.Document(out / "bao-cao-tong-hop.docx")
    key = next(t for t in document.tables if t.rows[-1].cells[1].text == "Tổng cộng"
               and len(t.rows) == 3 + 2)                        # the key figures: 3 units and the total
    assert key.rows[-1].cells[2].text.removesuffix(" (*)") == vnrules.figure(members)
