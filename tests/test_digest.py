"""The units' own words: read part by part from returned skeletons filled as people fill them,
gathered in ``tong-hop-y-kien.docx`` under their part and their unit, never copied into the
consolidated report."""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

import fill_returns
from conftest import DATA, all_paragraphs, libreoffice_resave
from generator.app import main as pipeline
from generator.intake.collect import collect
from generator.documents.contexts.common import Prose, prose_values
from generator.documents.contexts.outline import outline_blocks
from generator.documents.environment import ProseRenderer
from generator.documents.renderer import LOOSE
from generator.config.structure import GUIDANCE_LABEL, node_keys
from generator.config.validate import load_campaign

DIGEST = "tong-hop-y-kien.docx"


def headings_by_key(data) -> dict[str, str]:
    """Each part's heading as the outline (and the digest) prints it: «a) Nhận thức, …»."""
    prose = Prose(ProseRenderer(prose_values(data)), data.sources["de-cuong.yaml"], [])
    return {b["part"]: b["text"].replace(LOOSE, "")
            for b in outline_blocks(data.outline, prose, data.profile) if "part" in b}


def guidance_texts(data) -> list[str]:
    prose = Prose(ProseRenderer(prose_values(data)), data.sources["de-cuong.yaml"], [])
    return [b["text"] for b in outline_blocks(data.outline, prose, data.profile)
            if b["style"] == "note" and len(b["text"]) > 30]


def read_digest(path: Path, heads: dict[str, str], names: set[str]) -> list[tuple[str, str, str]]:
    """(part key, unit name, paragraph) for every paragraph a unit wrote, in reading order."""
    by_text = {text: key for key, text in heads.items()}
    out, part, unit = [], None, None
    for p in all_paragraphs(docx.Document(path)):
        text = p.text.replace("\u00a0", " ")   # a heading's end is bound by no-break spaces
        if text in by_text:
            part, unit = by_text[text], None
        elif text.endswith(":") and text[:-1] in names:
            unit = text[:-1]
        elif part and unit and p.style.style_id == "VBNoiDung" and text.strip():
            out.append((part, unit, text))
    return out


def _segments(path: Path):
    document = docx.Document(path)
    return document, fill_returns._segments(document)


def rename_heading(path: Path, key: str, new_words: str) -> None:
    """A heading's wording edited in Word: its number kept, the words changed (the mark stays)."""
    document, segments = _segments(path)
    heading = next(h for k, h, _ in segments if k == key)
    label = heading.text.split(" ", 1)[0]
    for run in heading.runs[1:]:
        run.text = ""
    heading.runs[0].text = f"{label} {new_words}"
    document.save(path)


def retype_heading(path: Path, key: str) -> None:
    """A heading deleted and typed again: the same number and words, its mark gone."""
    document, segments = _segments(path)
    heading = next(h for k, h, _ in segments if k == key)
    for mark in list(heading._p.iter(qn("w:bookmarkStart"))) + list(heading._p.iter(qn("w:bookmarkEnd"))):
        mark.getparent().remove(mark)
    document.save(path)


def delete_part(path: Path, key: str) -> None:
    """A part removed: its heading and everything under it."""
    document, segments = _segments(path)
    heading, under = next((h, u) for k, h, u in segments if k == key)
    for p in [heading] + under:
        p._p.getparent().remove(p._p)
    document.save(path)


def guidance_edits(path: Path, untouched: dict[str, list[str]], unit: str) -> dict[str, list[str]]:
    """In two parts still holding their guidance: words typed after the «Gợi ý» label (the
    label left there), and the label alone deleted (the guidance left). Returns what was
    written."""
    document, segments = _segments(path)
    label = GUIDANCE_LABEL
    done: dict[str, list[str]] = {}
    labelled = [(k, u) for k, h, u in segments if k not in untouched
                and any(p.text.startswith(label) for p in u)]
    (first, under_first), (second, under_second) = labelled[0], labelled[1]
    p = next(p for p in under_first if p.text.startswith(label))
    words = f"{unit} viết tiếp sau chữ gợi ý ở phần {first}."
    for run in p.runs[1:]:
        run.text = ""
    p.runs[0].text = label + words
    done[first] = [words]
    p = next(p for p in under_second if p.text.startswith(label))
    rest = p.text[len(label):]
    for run in p.runs[1:]:
        run.text = ""
    p.runs[0].text = rest                      # the guidance kept, its label gone
    document.save(path)
    return done


def add_table(path: Path, key: str, rows: list[list[str]]) -> None:
    """A small table a unit puts inside a part, after its heading."""
    document, segments = _segments(path)
    heading = next(h for k, h, _ in segments if k == key)
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    heading._p.addnext(table._tbl)
    document.save(path)


@pytest.fixture(scope="module")
def campaign(tmp_path_factory):
    """The example built, 6 skeletons filled and edited as people do, one saved through
    LibreOffice, collected and built again."""
    root = tmp_path_factory.mktemp("digest")
    data_dir, out = root / "data", root / "out"
    shutil.copytree(DATA, data_dir, ignore=shutil.ignore_patterns("bao-cao", ".*"))
    pipeline.build(data_dir, out)
    data = load_campaign(data_dir)
    members = list(data.members.values())
    chosen = [m for m in members if m.unit.kind == "dn"][:2] + [m for m in members if m.unit.kind == "cq"][:4]
    rng = random.Random(11)
    typed: dict[str, dict[str, list[str]]] = {}
    folder = root / "tra-ve"
    folder.mkdir()
    edits = {}
    for n, member in enumerate(chosen):
        target = folder / f"{member.id}.docx"
        fill_returns.fill(out / "don-vi" / f"{member.id}.docx", target, rng)
        typed[member.id] = fill_returns.write_words(target, target, rng, member.name)
        if n == 0:   # the first: a heading reworded, one retyped, a part deleted, a table added
            written = sorted(typed[member.id])
            rename_heading(target, written[0], "Nội dung do đơn vị tự đặt tên lại")
            retype_heading(target, written[1])
            deleted = written[2]
            delete_part(target, deleted)
            del typed[member.id][deleted]
            table_key = written[3]
            add_table(target, table_key, [["Chỉ tiêu", "Kết quả"], ["Số mô hình", "12"]])
            typed[member.id][table_key] = ["Chỉ tiêu | Kết quả", "Số mô hình | 12"] + typed[member.id][table_key]
            edits = {"renamed": written[0], "retyped": written[1], "deleted": deleted, "table": table_key}
        if n == 2:   # words after the «Gợi ý» label; the label deleted, the guidance left
            typed[member.id].update(guidance_edits(target, typed[member.id], member.name))
    resaved = chosen[-1].id
    libre = libreoffice_resave(folder / f"{resaved}.docx", root)
    shutil.move(libre, folder / f"{resaved}.docx")
    report = collect([folder], data_dir)
    assert len(report.stored) == len(chosen) and not report.refused
    first = pipeline.build(data_dir, out)
    return {"data_dir": data_dir, "out": out, "typed": typed, "chosen": chosen, "edits": edits,
            "report": report, "first": first, "root": root}


def test_every_typed_text_is_in_the_digest_under_its_part_and_unit(campaign):
    data = load_campaign(campaign["data_dir"])
    heads = headings_by_key(data)
    names = {m.name for m in data.members.values()}
    found = read_digest(campaign["out"] / DIGEST, heads, names)
    placed = {(part, unit, text) for part, unit, text in found}
    count = 0
    for member in campaign["chosen"]:
        for key, words in campaign["typed"][member.id].items():
            for text in words:
                assert (key, member.name, text) in placed, (member.id, key, text)
                count += 1
    assert count >= 20
    # the retyped heading was found by its number and words, and said so
    first = campaign["chosen"][0]
    notes = [n for path, n in campaign["report"].notes if path.stem == first.id]
    assert any("đề mục không còn dấu" in n for n in notes)
    # the table inside a part is read row by row, under its part
    assert (campaign["edits"]["table"], first.name, "Số mô hình | 12") in placed


def test_what_a_unit_did_not_write_is_not_taken(campaign):
    data = load_campaign(campaign["data_dir"])
    digest = [p.text.replace("\u00a0", " ") for p in all_paragraphs(docx.Document(campaign["out"] / DIGEST))]
    for guidance in guidance_texts(data):
        assert guidance not in digest and GUIDANCE_LABEL + guidance not in digest
    assert not [t for t in digest if t.startswith(GUIDANCE_LABEL.split(":")[0])]
    first = campaign["chosen"][0]
    record = data.returns[first.id]
    assert campaign["edits"]["deleted"] not in record.texts            # the deleted part: unwritten
    keys = set(node_keys(data.outline, data.profile))
    for member in campaign["chosen"]:
        got = data.returns[member.id].texts
        assert set(got) <= keys                                        # the outline's own keys
        assert got == campaign["typed"][member.id]                     # nothing more, nothing less


def test_units_that_wrote_nothing_are_named_after_the_part(campaign):
    data = load_campaign(campaign["data_dir"])
    digest = [p.text.replace("\u00a0", " ") for p in all_paragraphs(docx.Document(campaign["out"] / DIGEST))]
    heads = headings_by_key(data)
    first = campaign["chosen"][0]
    deleted = campaign["edits"]["deleted"]
    start = digest.index(heads[deleted])
    after = next(t for t in digest[start + 1:] if t.startswith("Đơn vị đã gửi báo cáo nhưng chưa viết"))
    assert first.name in after


def test_a_dn_unit_numbers_its_parts_its_own_way_but_is_read_by_the_outlines_keys(campaign):
    data = load_campaign(campaign["data_dir"])
    dn = campaign["chosen"][1]
    labels = {k: h.split(" ", 1)[0] for k, h in headings_by_key(data).items()}
    skeleton = docx.Document(campaign["out"] / "don-vi" / f"{dn.id}.docx")
    own = {k: h.text.split(" ", 1)[0] for k, h, _ in fill_returns._segments(skeleton)}
    assert any(labels[k] != own[k] for k in own)   # its copy skips parts, so numbers differ
    assert set(data.returns[dn.id].texts) == set(campaign["typed"][dn.id])


def test_the_consolidated_report_points_to_the_digest_and_copies_no_words(campaign):
    report = [p.text.replace("\u00a0", " ") for p in all_paragraphs(docx.Document(campaign["out"] / "bao-cao-tong-hop.docx"))]
    whole = "\n".join(report)
    for words in campaign["typed"].values():
        for texts in words.values():
            for text in texts:
                assert text not in whole
    data = load_campaign(campaign["data_dir"])
    pointers = re.findall(rf"(\d+) đơn vị đã viết về phần này: đọc ở phần (\S+) của {DIGEST}", whole)
    assert len(pointers) >= 5
    for count, label in pointers:
        key = "opening" if label == "mở" else label
        assert int(count) == sum(1 for r in data.returns.values() if r.texts.get(key)), label


def test_the_digest_is_rebuilt_only_when_the_records_change_and_byte_identical(campaign, tmp_path):
    assert DIGEST in campaign["first"].written
    again = pipeline.build(campaign["data_dir"], campaign["out"])
    assert DIGEST not in again.written and DIGEST in again.unchanged
    other = tmp_path / "out"
    pipeline.build(campaign["data_dir"], other)
    assert (other / DIGEST).read_bytes() == (campaign["out"] / DIGEST).read_bytes()


def test_the_digest_is_a_working_document_heading_without_number_or_signature(campaign):
    document = docx.Document(campaign["out"] / DIGEST)
    texts = [p.text for p in all_paragraphs(document)]
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in texts and "TỔNG HỢP Ý KIẾN" in texts
    assert not [t for t in texts[:8] if t.startswith("Số ")]     # the header has no number line
    assert "Nơi nhận:" not in texts and not [t for t in texts if t.startswith("T/M")]


def test_silent_units_are_named_once_per_group_and_an_unwritten_part_says_so(tmp_path):
    """Units that sent figures and no words: named once under the heading of each group of
    parts (I, II …), not under every part; a part nobody wrote in says so in one line."""
    from generator.documents.contexts.digest import NOBODY

    data_dir, out = tmp_path / "data", tmp_path / "out"
    shutil.copytree(DATA, data_dir, ignore=shutil.ignore_patterns("bao-cao", ".*"))
    pipeline.build(data_dir, out)
    rng = random.Random(4)
    folder = tmp_path / "tra-ve"
    folder.mkdir()
    skeletons = sorted((out / "don-vi").glob("*.docx"))[:10]
    for n, skeleton in enumerate(skeletons):
        target = folder / skeleton.name
        fill_returns.fill(skeleton, target, rng)
        if n < 2:
            fill_returns.write_words(target, target, rng, skeleton.stem)
    collect([folder], data_dir)
    pipeline.build(data_dir, out)
    data = load_campaign(data_dir)
    heads = headings_by_key(data)
    by_text = {text: key for key, text in heads.items()}
    digest = [p.text.replace("\u00a0", " ") for p in all_paragraphs(docx.Document(out / DIGEST))]
    named: dict[str, list[str]] = {}          # group (I, II …) → every name listed as silent
    under: dict[str, list[str]] = {}          # part → the lines right under its heading
    key = None
    for text in digest:
        if text in by_text:
            key = by_text[text]
            under[key] = []
            continue
        if key is None:
            continue
        under[key].append(text)
        if text.startswith("Đơn vị đã gửi báo cáo nhưng chưa viết"):
            names = text.split("): ", 1)[1].rstrip(".").split("; ")
            named.setdefault(key.split(".")[0], []).extend(names)
    silent_everywhere = [data.members[u].name for u, r in data.returns.items() if not r.texts]
    assert len(silent_everywhere) == 8
    groups = {k.split(".")[0] for k in heads}
    for group in groups:            # a unit that wrote nothing: named once in each group
        for name in silent_everywhere:
            assert named.get(group, []).count(name) == 1, (group, name)
    leaves = [k for k in heads if not any(o.startswith(k + ".") for o in heads)]
    nobody = [k for k in leaves if not any(r.texts.get(k) for r in data.returns.values())]
    assert nobody
    for k in nobody:
        assert under[k] == [NOBODY], (k, under[k])
    notes = [t for t in digest if t.startswith("Đơn vị đã gửi báo cáo nhưng chưa viết")]
    assert len(notes) <= len(groups) + len(leaves) - len(nobody)


def _digest_under(data_dir, out) -> tuple[list[str], dict[str, list[str]], dict[str, str]]:
    """The digest's lines, the lines under each part's heading, the headings by key."""
    data = load_campaign(data_dir)
    heads = headings_by_key(data)
    by_text = {text: key for key, text in heads.items()}
    # a heading's last words are bound with no-break spaces: a reader sees spaces
    digest = [p.text.replace("\u00a0", " ") for p in all_paragraphs(docx.Document(out / DIGEST))]
    under: dict[str, list[str]] = {}
    key = None
    for text in digest:
        if text in by_text:
            key = by_text[text]
            under[key] = []
        elif key is not None and text.strip():
            under[key].append(text)
    return digest, under, heads


def test_a_digest_with_no_returns_says_so_under_every_part(tmp_path):
    """Nothing returned: the top line says no unit has sent its report (no «0/49»), and every
    part still says that nobody wrote there."""
    from generator.documents.contexts.digest import NOBODY

    data_dir, out = tmp_path / "data", tmp_path / "out"
    shutil.copytree(DATA, data_dir, ignore=shutil.ignore_patterns("bao-cao", ".*"))
    pipeline.build(data_dir, out)
    digest, under, heads = _digest_under(data_dir, out)
    units = len(load_campaign(data_dir).units)
    assert f"Chưa có đơn vị nào trong số {units} đơn vị gửi báo cáo về." in digest
    assert not [t for t in digest if re.search(r"\b0/\d", t)]
    leaves = [k for k in heads if not any(o.startswith(k + ".") for o in heads)]
    for k in leaves:
        assert under[k] == [NOBODY], (k, under[k])


def test_parts_no_unit_is_to_write_are_marked_once_not_listed_as_unwritten(tmp_path):
    """Every unit a doanh nghiệp: the part «Đối với cơ quan, đơn vị» says once that no unit
    is to write it; its parts say nothing; the doanh nghiệp parts still say nobody wrote."""
    from generator.documents.contexts.digest import NOBODY, NOT_ASKED

    data_dir, out = tmp_path / "data", tmp_path / "out"
    shutil.copytree(DATA, data_dir, ignore=shutil.ignore_patterns("bao-cao", ".*"))
    units = data_dir / "don-vi.csv"
    units.write_text(units.read_text(encoding="utf-8").replace(",cq,", ",dn,"), encoding="utf-8")
    pipeline.build(data_dir, out)
    digest, under, heads = _digest_under(data_dir, out)
    cq = next(k for k, t in heads.items() if "Đối với cơ quan, đơn vị" in t)
    dn = next(k for k, t in heads.items() if "Đối với doanh nghiệp" in t)
    assert under[cq] == [NOT_ASKED]
    inside = [k for k in heads if k.startswith(cq + ".")]
    assert inside and all(under[k] == [] for k in inside)
    dn_leaves = [k for k in heads if k.startswith(dn + ".")]
    assert dn_leaves and all(under[k] == [NOBODY] for k in dn_leaves)
