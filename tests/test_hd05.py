"""Hướng dẫn 05-HD/VPTW (27/5/2026): a campaign dated from that day gets its values, each read
back from the generated documents; a profile that disagrees with the plan's date is a warning;
the spelling «uỷ»/«ủy» is the profile's choice."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_LINE_SPACING

from conftest import DATA, effective, find, paragraph_format, run_cli, texts
from generator.app import main as pipeline


def dated_2026(target: Path) -> Path:
    shutil.copytree(DATA, target)
    for name, moves in (("ke-hoach.yaml", [("date: 23/02/2021", "date: 15/6/2026")]),
                        ("chien-dich.yaml", [("/4/2021", "/9/2026"), ("/5/2021", "/10/2026")])):
        path = target / name
        text = path.read_text(encoding="utf-8")
        for old, new in moves:
            assert old in text
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def built_2026(tmp_path_factory):
    root = tmp_path_factory.mktemp("hd05")
    data = dated_2026(root / "data")
    report = pipeline.build(data, root / "out")
    return root, report


def test_a_2026_campaign_gets_hd05(built_2026):
    root, report = built_2026
    assert not [w for w in report.warnings if "thể thức" in w.message]
    plan = docx.Document(root / "out" / "ke-hoach.docx")
    body = find(plan, "- Tổ chức Hội nghị sơ kết.")
    # II.I.6.2.2: line spacing 18 pt «Exactly»
    assert paragraph_format(body, "line_spacing_rule") == WD_LINE_SPACING.EXACTLY
    assert paragraph_format(body, "line_spacing").pt == 18
    # II.I.9.2.5: every recipient ends with «;», the last with «.»
    label = texts(plan).index("Nơi nhận:")
    after = [t for t in texts(plan)[label + 1:] if t.startswith("- ")]
    assert after and all(t.endswith(";") for t in after[:-1]) and after[-1].endswith(".")
    # PL2 mục 7: authority bold, the signer's title not bold, name bold
    assert effective(find(plan, "T/M BAN THƯỜNG VỤ"), "bold") is True
    assert effective(find(plan, "PHÓ BÍ THƯ"), "bold") is False


def test_hd36_keeps_its_own_values(party_plan):
    plan = docx.Document(party_plan)
    body = find(plan, "- Tổ chức Hội nghị sơ kết.")
    assert paragraph_format(body, "line_spacing_rule") == WD_LINE_SPACING.AT_LEAST
    label = texts(plan).index("Nơi nhận:")
    after = [t for t in texts(plan)[label + 1:] if t.startswith("- ")]
    assert all(t.endswith(",") for t in after[:-1])


def test_a_profile_that_disagrees_with_the_date_is_a_warning(tmp_path, capsys):
    data = dated_2026(tmp_path / "data")
    path = data / "chien-dich.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("\nformat: dang\n", "\nformat: dang-hd36\n"),
                    encoding="utf-8")
    code, out, err = run_cli(["check", "--data", data], capsys)
    assert code == 0
    assert re.search(r"chien-dich\.yaml, dòng \d+, mục «format»: cảnh báo: kế hoạch ngày 15/6/2026 "
                     r"nhưng chọn thể thức «Văn bản của Đảng \(Hướng dẫn 36-HD/VPTW\)»", err), err
    assert "dang-hd05-2026" in err


@pytest.mark.parametrize("choice,header,body", [("uỷ", "ĐẢNG UỶ KHỐI", "Đảng uỷ Khối"),
                                                 ("ủy", "ĐẢNG ỦY KHỐI", "Đảng ủy Khối")])
def test_the_spelling_of_uy_is_a_profile_choice(tmp_path, choice, header, body):
    data = dated_2026(tmp_path / "data")
    path = data / "chien-dich.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "format_overrides: {}", f"format_overrides: {{texts: {{spelling_uy: {choice}}}}}"), encoding="utf-8")
    pipeline.build(data, tmp_path / "out")
    plan = docx.Document(tmp_path / "out" / "ke-hoach.docx")
    words = " ".join(texts(plan))
    assert header in words and body in words
    other = {"uỷ": "ủy", "ủy": "uỷ"}[choice]
    assert other not in words.replace("Uỷ", "uỷ").replace("Ủy", "ủy").lower()


@pytest.mark.parametrize("new_style,old_style", [
    ("\u1ee7y", "u\u1ef7"),                 # ủy / uỷ
    ("\u1ee6Y", "U\u1ef6"),                 # ỦY / UỶ
    ("h\u00f2a", "ho\u00e0"),               # hòa / hoà
    ("kh\u1ecfe", "kho\u1ebb"),             # khỏe / khoẻ
    ("th\u1ee7y", "thu\u1ef7"),             # thủy / thuỷ
])
def test_tone_placement_both_ways(new_style, old_style):
    from generator.formats.vnrules import spell_tones
    assert spell_tones(f"cấp {new_style} cơ sở", "uỷ") == f"cấp {old_style} cơ sở"
    assert spell_tones(f"cấp {old_style} cơ sở", "ủy") == f"cấp {new_style} cơ sở"
    assert spell_tones(f"cấp {new_style}", "giữ nguyên") == f"cấp {new_style}"


@pytest.mark.parametrize("word", ["qu\u00fd", "QU\u00dd", "ho\u00e0n", "khuya", "to\u00e1n"])
def test_tone_placement_leaves_other_syllables(word):
    from generator.formats.vnrules import spell_tones
    assert spell_tones(word, "uỷ") == word and spell_tones(word, "ủy") == word
