"""Fill every skeleton of a build as a user would in Word (a developer's and the tests' tool).

    python tools/fill_returns.py OUT_DIR TARGET_DIR [--skip N] [--seed S]

Types into the marked cells through python-docx: figures split over several runs, some
written ``1.234`` or ``12,5``, «Có»/«Không» answers, some cells left blank; replaces a
guidance paragraph; saves each copy under TARGET_DIR with a name a unit might give it.
Returns what was typed, so a test can compare the consolidated totals with it.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import docx
from docx.oxml.ns import qn

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def marked_cells(document) -> dict[str, object]:
    """Content-control tag → the cell (python-docx) that holds it."""
    out = {}
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                for sdt in cell._tc.iter(qn("w:sdt")):
                    tag = sdt.find(f"{qn('w:sdtPr')}/{qn('w:tag')}")
                    if tag is not None:
                        out[tag.get(qn("w:val"))] = cell
    return out


def type_into(cell, text: str) -> None:
    """Type ``text`` into the cell's content control, split over runs as Word often does."""
    sdt = next(cell._tc.iter(qn("w:sdt")))
    content = sdt.find(qn("w:sdtContent"))
    for run in list(content):
        content.remove(run)
    pieces = [text[:1], text[1:]] if len(text) > 1 else [text]
    for piece in pieces:
        r = content.makeelement(qn("w:r"), {})
        t = r.makeelement(qn("w:t"), {})
        t.text = piece
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        r.append(t)
        content.append(r)


def fill(path: Path, target: Path, rng: random.Random) -> dict[str, object]:
    """Fill one skeleton; return tag → the value typed (None when left blank)."""
    document = docx.Document(path)
    typed: dict[str, object] = {}
    members = rng.randint(20, 1500)
    registered: dict[str, int] = {}
    for tag, cell in marked_cells(document).items():
        _, table, row, column = tag.split(":")
        if rng.random() < 0.05:          # left blank
            typed[tag] = None
            continue
        if table == "pl3":
            answer = rng.random() < 0.7
            text = rng.choice(["Có", "có", "x"]) if answer else rng.choice(["Không", "không"])
            typed[tag] = answer
        else:
            if (table, row) == ("pl1", "r1"):
                value = members
            elif (table, row) == ("pl1", "r5"):
                value = rng.randint(0, members)
            elif (table, row) == ("pl2", "dang-ky"):
                value = registered[column] = rng.randint(0, 40)
            elif (table, row) == ("pl2", "cong-nhan"):
                value = rng.randint(0, registered.get(column) or 0)
            else:
                value = rng.randint(0, 1500)
            text = f"{value:,}".replace(",", ".")      # 1.234 the Vietnamese way
            typed[tag] = value
        type_into(cell, text)
    if rng.random() < 0.2:  # some type a share over the computed cell, the Vietnamese way
        for table in document.tables:
            for row in table.rows:
                if row.cells[1].text.startswith("Tỷ lệ đảng viên"):
                    cell = row.cells[-1].paragraphs[0]
                    for run in cell.runs:
                        run.text = ""
                    cell.add_run("12,5%")
    for p in document.paragraphs:
        if p.text.startswith("Khái quát chức năng"):
            for run in p.runs:
                run.text = ""
            p.runs[0].text = "Đơn vị có 3 chi bộ trực thuộc."
            break
    document.save(target)
    return typed


def _segments(document) -> list[tuple[str, object, list]]:
    """(part key, heading paragraph, the paragraphs under it) for every marked part, up to
    the signature table."""
    from docx.text.paragraph import Paragraph

    from generator.config.structure import key_of_mark

    out = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:tbl"):
            if out:
                break
            continue
        if child.tag != qn("w:p"):
            continue
        paragraph = Paragraph(child, document._body)
        key = next((key_of_mark(b.get(qn("w:name")) or "") for b in child.iter(qn("w:bookmarkStart"))
                    if key_of_mark(b.get(qn("w:name")) or "")), None)
        if key:
            out.append((key, paragraph, []))
        elif out:
            out[-1][2].append(paragraph)
    return out


def _type(paragraph, text: str) -> None:
    """Replace what a paragraph says, in two runs as Word often splits typing."""
    for run in paragraph.runs:
        run._r.getparent().remove(run._r)
    cut = len(text) // 3
    paragraph.add_run(text[:cut])
    paragraph.add_run(text[cut:])


def write_words(path: Path, target: Path, rng: random.Random, unit: str) -> dict[str, list[str]]:
    """Write under the parts of a skeleton as a unit does in Word: in the room left under a
    part, or over its guidance (the label too), sometimes in two paragraphs; some parts left
    with their guidance, some with nothing. Returns part key → the paragraphs written."""
    document = docx.Document(path)
    written: dict[str, list[str]] = {}
    for key, heading, under in _segments(document):
        room = [p for p in under if not p.text.strip()]
        guidance = [p for p in under if p.text.strip()]
        choice = rng.random()
        if not room and not guidance or choice < 0.25:
            continue                                   # left as it came
        words = [f"{unit} báo cáo phần {key}: kết quả {rng.randint(2, 98)} việc đã làm "
                 f"trong kỳ, mã {rng.randint(1000, 9999)}."]
        if rng.random() < 0.3:
            words.append(f"Hạn chế của {unit} ở phần {key}: còn {rng.randint(1, 9)} việc chưa làm xong.")
        if choice < 0.45 and guidance:
            _type(guidance[0], words[0])               # typed over the guidance
            for p in guidance[1:] + room:
                p._p.getparent().remove(p._p)
            anchor = guidance[0]
        else:
            target_paragraph = room[0] if room else heading.insert_paragraph_before("")
            if not room:                               # no room: a new paragraph after the heading
                heading._p.addnext(target_paragraph._p)
            _type(target_paragraph, words[0])
            anchor = target_paragraph
        for extra in words[1:]:
            new = anchor.insert_paragraph_before("")
            anchor._p.addnext(new._p)
            _type(new, extra)
            anchor = new
        written[key] = words
    document.save(target)
    return written


def main() -> None:
    out, target = Path(sys.argv[1]), Path(sys.argv[2])
    skip = int(sys.argv[sys.argv.index("--skip") + 1]) if "--skip" in sys.argv else 0
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 1
    rng = random.Random(seed)
    target.mkdir(parents=True, exist_ok=True)
    files = sorted((out / "don-vi").glob("*.docx"))
    for path in files[skip:]:
        fill(path, target / f"BC so ket - {path.stem}.docx", rng)
    print(f"đã điền {len(files) - skip} báo cáo vào {target}")


if __name__ == "__main__":
    main()
