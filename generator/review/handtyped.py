"""Numbers a person typed into the consolidated report that vanban did not compute.

A signed report's figures must come from the returns. When the office finishes the report in
Word, a number in it that is neither one vanban printed (a traced figure, a count of units)
nor of the kinds a text holds anyway — dates, years, document numbers and symbols, the
numbering of parts and lists — is reported as typed by hand, with the sentence it stands in,
so that it is checked or traced before signing.
"""

from __future__ import annotations

import re

_NUMBER = re.compile(r"(?<![\w.,-])(\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?)(?![\w-]|[.,]\d)")
_ALLOWED = [
    re.compile(r"\d{1,2}/\d{1,2}/\d{4}"),                         # 23/02/2021
    re.compile(r"\d+[-–]?[A-ZĐ]{1,5}[/-][A-Za-zĐđ0-9/-]+"),        # 150-KH/ĐUK, 07/KH-UBND
    re.compile(r"(?:số|Số|năm|Năm|ngày|tháng|khóa|Khóa|Phụ lục|phụ lục|Điều|khoản)\s+\d+"),
    re.compile(r"^\s*(?:[IVXLC]+|\d+(?:\.\d+)*)[.)]"),             # numbering of parts, lists
    re.compile(r"\b(?:19|20)\d{2}\b"),                              # a year
]


def numbers(text: str) -> list[str]:
    """The numbers of ``text`` that are figures (not dates, years, symbols or numbering)."""
    masked = text
    for pattern in _ALLOWED:
        masked = pattern.sub(lambda m: " " * len(m.group(0)), masked)
    return [m.group(1) for m in _NUMBER.finditer(masked)]


def typed_by_hand(person: list[str], vanban: list[str]) -> list[tuple[str, str]]:
    """``(number, sentence)`` for each figure in the person's paragraphs that no paragraph
    vanban made holds."""
    known = {n for p in vanban for n in numbers(p)}
    out = []
    for paragraph in person:
        for n in numbers(paragraph):
            if n not in known and n not in ("0", "1"):
                snippet = " ".join(paragraph.split())
                out.append((n, snippet if len(snippet) <= 90 else snippet[:89] + "…"))
    return out
