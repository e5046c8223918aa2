"""The structure of the outline, apart from how it is drawn: the key of each part.

The consolidated report's narrative (``bao-cao-tong-hop.yaml``) names the parts by these keys
(``opening``, ``I``, ``I.1``, ``II.1.a`` …); validation checks the keys it is given against
them, and the builders put each text under its part.
"""

from __future__ import annotations

from ..formats import vnrules
from ..model.schema import Outline

OPENING = "opening"

# how a skeleton labels the outline's guidance, so that a unit sees it is to be replaced (and
# the reader of a returned copy knows a paragraph still holding it is not the unit's words)
GUIDANCE_LABEL = "Gợi ý (thay bằng nội dung của đơn vị): "

# the mark of a part nobody has written yet, in a report vanban writes (the consolidated report,
# the report sent up): a reader of such a report never takes it for the writer's words
DRAFT = "[Dự thảo — phần này chưa viết."


def part_name(key: str) -> str:
    """A part as a reader names it: «mở đầu», «I.1», «II.1.a»."""
    return "mở đầu" if key == OPENING else key


def key_advice(keys: list[str]) -> str:
    """How to write the unwritten ``keys`` in ``narrative``: the key is the part's number, and
    the opening (named «mở đầu» to a reader) has the key ``opening``."""
    example = next((k for k in keys if k != OPENING), "I.1")
    said = f"viết vào mục «narrative» với khóa là số của phần, ví dụ «{example}:»"
    if OPENING in keys:
        said += f"; phần mở đầu với khóa «{OPENING}:»"
    return said


def opening_named(key: str) -> bool:
    """Whether a key in ``narrative`` names the opening in words (``mở đầu``) instead of its
    key ``opening``."""
    import unicodedata

    words = unicodedata.normalize("NFC", str(key)).strip().lower().rstrip(":")
    return words in ("mở đầu", "phần mở đầu", "mo dau")


def part_key(label: str, parent: str) -> str:
    """``II.`` under nothing → ``II``; ``a)`` under ``II.1`` → ``II.1.a``."""
    own = label.rstrip(".)").split(".")[-1]
    return f"{parent}.{own}" if parent else own


def node_keys(outline: Outline, profile) -> list[str]:
    """Every part's key, in order: ``opening``, ``I``, ``I.1``, ``II.1.a`` …"""
    formats = outline.numbering or profile.numbering.headings
    keys = [OPENING] if outline.opening else []

    def walk(nodes, path, parent):
        for number, node in enumerate(nodes, 1):
            here = path + (number,)
            key = part_key(vnrules.heading_label(here, profile, formats), parent)
            keys.append(key)
            walk(node.items, here, key)

    walk(outline.parts, (), "")
    return keys


# --- the parts of a unit's skeleton, marked so that a returned copy is read part by part ----

# a heading block's text starts with MARK_OPEN + key + MARK_CLOSE in a unit's skeleton: the
# renderer turns it into a bookmark around the heading (characters of Unicode's private use
# area, never typed in data: the loader would keep them, but no office writes them)
MARK_OPEN, MARK_CLOSE = "\ue001", "\ue002"
MARK_PREFIX = "vbp_"
MARK_ID_BASE = 800_000   # bookmark ids of parts; a table cell's ids count from 1


def part_mark(key: str) -> str:
    """The bookmark name of a part: ``II.1.đ`` → ``vbp_II_1_x0111`` (ASCII letters, digits and
    «_» only, as Word wants, and one name per key)."""
    out = []
    for ch in key:
        if ch == ".":
            out.append("_")
        elif ch.isascii() and ch.isalnum() and ch != "x":
            out.append(ch)
        else:
            out.append(f"x{ord(ch):04x}")
    return MARK_PREFIX + "".join(out)


def key_of_mark(name: str) -> str | None:
    """The key a part's bookmark name stands for, or None for another bookmark."""
    if not name.startswith(MARK_PREFIX):
        return None
    out, rest = [], name[len(MARK_PREFIX):]
    i = 0
    while i < len(rest):
        ch = rest[i]
        if ch == "_":
            out.append(".")
        elif ch == "x":
            try:
                out.append(chr(int(rest[i + 1:i + 5], 16)))
            except ValueError:
                return None
            i += 5
            continue
        else:
            out.append(ch)
        i += 1
    return "".join(out)
