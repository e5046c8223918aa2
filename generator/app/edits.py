"""Outputs people finish in Word, and how a rebuild treats a copy a person has edited.

Decided here, once:

- *which* outputs people finish: the plan, the outline, the forms, the consolidated report,
  the digest and the report sent up a tier (:func:`finished`); the skeletons, workbooks and
  kits go to other people and are never merged;
- *what vanban last wrote* of a finished output — its base — kept in ``out/.vanban/goc/``;
- *what happens* to an edited output: nothing new → left as it is; a finished output with a
  new build → the new build merged into the person's copy as Word revisions (``merge``);
  any other output → left as it is, the new version not written, and said so;
- *when a file cannot be replaced* because it is open in Word or LibreOffice (:func:`in_use`).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..merge import merge_docx
from ..base.ooxml import Refused
from ..config.structure import part_name

BASES = ".vanban/goc"                 # out/.vanban/goc/<output>: what vanban last wrote
FINISHED = {"ke-hoach.docx", "de-cuong.docx", "phu-luc.docx", "bao-cao-tong-hop.docx",
            "tong-hop-y-kien.docx"}
SENT_UP = "gui-cap-tren/"


def finished(output: str) -> bool:
    """An output people finish in Word, merged into rather than replaced."""
    return output in FINISHED or (output.startswith(SENT_UP) and output.endswith(".docx"))


def base_of(output: str) -> str:
    return f"{BASES}/{output}"


def read_base(out_dir: Path, output: str) -> bytes | None:
    try:
        return (out_dir / base_of(output)).read_bytes()
    except OSError:
        return None


def revision_time() -> str:
    """The date the revisions of this build carry: now (``SOURCE_DATE_EPOCH`` when set, for
    reproducible runs), to the second, in UTC as Word writes it."""
    stamp = os.environ.get("SOURCE_DATE_EPOCH")
    moment = int(stamp) if stamp and stamp.isdigit() else int(time.time())
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(moment))


@dataclass
class Merged:
    """A person's copy vanban merged its new build into."""

    output: str
    inserted: int
    deleted: int
    conflicts: list = field(default_factory=list)   # merge.three_way.Conflict


@dataclass
class Outcome:
    """What a rebuild does with one output a person edited."""

    data: bytes | None                 # the new content of the file (None: left as it is)
    merged: Merged | None = None
    note: str = ""                     # why it is left, when it is


def merge_into(out_dir: Path, output: str, new: bytes, when: str) -> Outcome:
    """The new build of finished ``output`` merged into the person's copy in ``out_dir``."""
    base = read_base(out_dir, output)
    if base is None:
        return Outcome(None, note="vanban không còn giữ bản đã ghi lần trước nên không gộp được; "
                                  "đổi tên tệp của bạn rồi sinh lại để có bản mới")
    if base == new:
        return Outcome(None)           # vanban has nothing new for it
    try:
        mine = (out_dir / output).read_bytes()
        result = merge_docx(base, new, mine, when)
    except (OSError, Refused) as exc:
        return Outcome(None, note=f"không gộp được bản mới vào tệp đã sửa ({exc}); tệp được giữ "
                                  "nguyên — đổi tên tệp rồi sinh lại để có bản mới")
    merged = Merged(output, result.inserted, result.deleted, result.conflicts)
    return Outcome(None if result.data == mine else result.data, merged)


def _word_owner_files(name: str) -> list[str]:
    """The names Word gives the owner file of ``name`` while it is open (``~$`` replacing
    the first characters of a long name, or before a short one)."""
    return [f"~${name}", f"~${name[1:]}", f"~${name[2:]}"]


def in_use(path: Path) -> str | None:
    """Why ``path`` cannot be replaced now — open in Word or LibreOffice — or None."""
    if not path.exists():
        return None
    for owner in _word_owner_files(path.name):
        if (path.parent / owner).is_file():
            return f"đang mở trong Word (có tệp khóa «{owner}» bên cạnh; nếu Word đã đóng, xóa tệp khóa đó)"
    if (path.parent / f".~lock.{path.name}#").is_file():
        return "đang mở trong LibreOffice"
    try:
        fd = os.open(path, os.O_RDWR)   # Windows refuses a file Word holds open
        os.close(fd)
    except PermissionError:
        return "đang mở trong một chương trình khác (Word?)"
    except OSError:
        pass
    return None


CHECKED_FOR_HAND_TYPED = ("bao-cao-tong-hop.docx",)


def hand_typed(out_dir: Path, output: str) -> list[tuple[str, str]]:
    """Figures in a person's copy of ``output`` that vanban's last build of it (its base)
    does not print: typed by hand (``review.handtyped``). Nothing when the file is vanban's."""
    import zipfile

    from ..merge import accepted_paragraphs
    from ..review.handtyped import typed_by_hand

    base = read_base(out_dir, output)
    if base is None:
        return []
    try:
        with zipfile.ZipFile(out_dir / output) as z:
            mine = accepted_paragraphs(z.read("word/document.xml"))
        with zipfile.ZipFile(__import__("io").BytesIO(base)) as z:
            theirs = accepted_paragraphs(z.read("word/document.xml"))
    except (OSError, KeyError, zipfile.BadZipFile, Refused):
        return []
    return typed_by_hand(mine, theirs)


REVIEW = "mở tệp trong Word, thẻ Xem lại (Review) → Chấp nhận/Từ chối (Accept/Reject) để duyệt từng chỗ"


def lines(out_dir: Path, report) -> list[str]:
    """What a build did with the files people edited (a ``main.BuildReport``), in Vietnamese,
    a line each: the command line prints them, the workspace shows them."""
    out = []
    if report.read_back:
        parts = ", ".join(part_name(k) for k in report.read_back)
        out.append(f"đã lưu lời viết trong Word ở phần {parts} của "
                   f"{out_dir / 'bao-cao-tong-hop.docx'} vào bao-cao-tong-hop.yaml (mục «narrative»)")
    for m in report.merged:
        out.append(f"đã gộp bản mới vào {out_dir / m.output} (tệp đã sửa trong Word): "
                   f"{m.inserted} chỗ thêm, {m.deleted} chỗ xóa, đánh dấu là sửa đổi của «vanban» — {REVIEW}")
        if m.conflicts:
            out.append(f"  {len(m.conflicts)} chỗ bạn và dữ liệu mới cùng sửa (lời của bạn được giữ, "
                       "bản mới đặt ngay dưới kèm ghi chú của vanban):")
            out += [f"  - «{c.where}»" for c in m.conflicts]
    out += [f"{out_dir / name}: đã sửa trong Word — giữ nguyên (dữ liệu không có gì mới cho tệp này)"
            for name in report.edited]
    out += [f"{out_dir / name}: {why}" for name, why in report.kept]
    out += [f"{out_dir / name}: {why} — chưa ghi bản mới; đóng tệp rồi chạy lại «vanban build»"
            for name, why in report.locked]
    out += [f"{out_dir / name}: số «{number}» không phải số vanban tổng hợp (gõ tay?) trong đoạn «{where}» — "
            "kiểm tra và ghi nguồn trước khi ký" for name, number, where in report.hand_typed]
    return out
