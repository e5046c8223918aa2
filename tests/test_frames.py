"""A skeleton drawn from its shape's frame (generator/documents/frames.py) is byte for byte the
skeleton drawn the whole way — for every unit of the example campaigns, under both spellings
of «uỷ/ủy», and for units whose names hold what the pipeline treats specially (a document
symbol's hyphen, XML's own characters, docxtpl's escaped braces, a name long enough to take
three lines). And frames are really used: a test that compared two identical code paths
would prove nothing."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from conftest import DATA
from generator.app import main as pipeline
from test_hd05 import dated_2026

ROOT = Path(__file__).resolve().parent.parent
STATE = ROOT / "examples" / "ubnd-van-hoa-cong-vu"

# names the pipeline writes with care: a symbol whose hyphen is made non-breaking, «&» and «<»
# escaped, quotes (escaped by Jinja, not by the tables), docxtpl's escaped braces, the
# spelling of «uỷ», a name long enough for three lines, a name with a number and a date
HARD_NAMES = [
    "Chi bộ Đội thi hành Chỉ thị 05-CT/TW",
    "Chi bộ Công ty TNHH A & B <Hà Tĩnh>",
    'Chi bộ Trạm "Sông Lam" và \'Ngàn Phố\'',
    "Chi bộ Nhà văn hóa {_{thôn}_} Đông",
    "Đảng bộ Ủy ban Mặt trận Tổ quốc và các tổ chức chính trị - xã hội tỉnh Hà Tĩnh khóa "
    "mười chín nhiệm kỳ 2020-2025",
    "Chi bộ Khối 3, ngày 10/10/2016",
]


def _render(data: Path, monkeypatch, frames_on: bool) -> tuple[dict[str, bytes], dict]:
    monkeypatch.setenv("VANBAN_NO_FRAMES", "" if frames_on else "1")
    prepared = pipeline.prepare(data)
    compiled = pipeline.compile_templates(prepared.documents, prepared.data, data)
    out = {doc.output: pipeline._bytes(doc, compiled) for doc in prepared.documents}
    return out, compiled


def _same_both_ways(data: Path, monkeypatch) -> int:
    """Every output of ``data`` drawn with frames and without: the same bytes. How many
    skeletons came from a frame."""
    framed, compiled = _render(data, monkeypatch, True)
    whole, _ = _render(data, monkeypatch, False)
    assert framed.keys() == whole.keys()
    differ = [name for name in whole if framed[name] != whole[name]]
    assert not differ, differ[:5]
    return compiled["don-vi.docx"].from_frames


def test_the_party_example_is_the_same_drawn_from_frames(monkeypatch):
    from_frames = _same_both_ways(DATA, monkeypatch)
    assert from_frames >= 20   # 49 units, a few dozen of them share a shape with another


def test_the_uy_spelling_of_hd05_is_the_same_drawn_from_frames(tmp_path, monkeypatch):
    assert _same_both_ways(dated_2026(tmp_path / "data"), monkeypatch) >= 20


def test_the_state_example_is_drawn_the_whole_way(monkeypatch):
    """The rule under a state body's name is sized by the name: no frame, the same bytes."""
    framed, compiled = _render(STATE, monkeypatch, True)
    whole, _ = _render(STATE, monkeypatch, False)
    assert framed == whole
    assert not compiled["don-vi.docx"]._frames


def _with_units(data: Path, named: list[tuple[str, str, str]]) -> None:
    """``data``'s list of units with more units: (id, name, like): each like the unit ``like``
    (its level and kind)."""
    path = data / "don-vi.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    by_id = {r["id"]: r for r in rows}
    extra = [dict(by_id[like], id=uid, name=name, committee_name="") for uid, name, like in named]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows + extra)


def _like(name: str) -> str:
    """A unit of the example at the level such a name belongs to."""
    return "chi-bo-ban-dan-toc" if name.startswith("Chi bộ") else "dang-bo-so-tai-chinh"


def test_names_the_pipeline_treats_specially(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    # two of each: the second of a shape is drawn from the frame the first one made
    _with_units(data, [(f"kho-{i}-{copy}", name + (" số 2" if copy else ""), _like(name))
                       for i, name in enumerate(HARD_NAMES) for copy in range(2)])
    assert _same_both_ways(data, monkeypatch) >= 20 + len(HARD_NAMES)


@pytest.mark.parametrize("name", HARD_NAMES)
def test_a_hard_name_reads_as_written(tmp_path, monkeypatch, name):
    """The unit drawn from the frame shows its own name in the header, as written."""
    import io

    import docx

    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    _with_units(data, [("dau", name + " một", _like(name)), ("kho", name, _like(name))])
    monkeypatch.setenv("VANBAN_NO_FRAMES", "")
    prepared = pipeline.prepare(data)
    compiled = pipeline.compile_templates(prepared.documents, prepared.data, data)
    skeletons = {d.output: d for d in prepared.documents if d.output.startswith("don-vi/")}
    pipeline._bytes(skeletons["don-vi/dau.docx"], compiled)
    before = compiled["don-vi.docx"].from_frames
    drawn = pipeline._bytes(skeletons["don-vi/kho.docx"], compiled)
    assert compiled["don-vi.docx"].from_frames == before + 1     # this one from the frame
    whole, _ = _render(data, monkeypatch, False)
    assert drawn == whole["don-vi/kho.docx"]
    document = docx.Document(io.BytesIO(drawn))
    cell = document.tables[0].cell(0, 0)
    header = " ".join(" ".join(p.text for p in cell.paragraphs).split())
    committee = name.replace("Đảng bộ", "Đảng ủy", 1)
    expected = " ".join(committee.upper().replace("{_{", "{{").replace("}_}", "}}").split())
    assert expected in header


@pytest.mark.parametrize("edit", [
    {"{{ header.issuer }}": "{{ header.issuer|lower }}"},                    # a filter
    {"{{ doc_type }}": "{{ doc_type if 'SỐ 2' not in header.issuer else 'X' }}"},  # a test
    {"{{ doc_type }}": "{{ doc_type }}{% set h = header %}{{ h.issuer }}"},  # passed on
    {"{{ summary }}": "{{ summary }} {{ deadline_note|length }}"},           # measured
])
def test_a_template_that_reads_a_units_own_text_is_drawn_the_whole_way(tmp_path, monkeypatch, edit):
    """A template the office edited so that a unit's own text is more than printed (a filter,
    a test, a variable): frames would draw every unit with the first one's text; none is
    used, and the skeletons are those drawn the whole way."""
    from conftest import edited_template

    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    edited_template(data / "templates" / "don-vi.docx", edit, name="don-vi.docx")
    _with_units(data, [("dau", "Chi bộ Ban Dân tộc số 2", "chi-bo-ban-dan-toc")])
    assert _same_both_ways(data, monkeypatch) == 0


def test_the_bundled_template_prints_the_units_own_texts_only():
    """The check above does not refuse the bundled template: its skeletons come from frames."""
    import zipfile

    from docxtpl import DocxTemplate

    from generator.documents import frames
    from generator.documents.environment import template_environment

    xml = zipfile.ZipFile(ROOT / "templates" / "don-vi.docx").read("word/document.xml").decode()
    env = template_environment(pipeline.load(DATA).data.profile)
    tree = env.parse(DocxTemplate(ROOT / "templates" / "don-vi.docx").patch_xml(xml))
    printed = frozenset({("header", "issuer"), ("deadline_note",), ("appendices",)})
    tested = frozenset({("deadline_note",)})
    assert frames.only_printed(tree, printed, tested)
    assert not frames.only_printed(tree, printed, frozenset())     # its «if deadline_note»
    assert not frames.only_printed(env.parse("{{ header }}"), printed, tested)
    assert frames.only_printed(env.parse("{{ header.number }}{{ header.issuer }}"), printed, tested)
    assert not frames.only_printed(env.parse("{{ header.issuer.upper() }}"), printed, tested)
    assert not frames.only_printed(env.parse("{% for header in x %}{% endfor %}"), printed, tested)
