"""The structure of the outline, apart from how it is drawn: the key of each part.

The consolidated report's narrative (``bao-cao-tong-hop.yaml``) names the parts by these keys
(``opening``, ``I``, ``I.1``, ``II.1.a`` …); validation checks the keys it is given against
them, and the builders put each text under its part.
"""

from __future__ import annotations

from . import vnrules
from .schema import Outline

OPENING = "opening"

# how a skeleton labels the outline's guidance, so that a unit sees it is to be replaced (and
# the reader of a returned copy knows a paragraph still holding it is not the unit's words)
GUIDANCE_LABEL = "Gợi ý (thay bằng nội dung của đơn vị): "


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
