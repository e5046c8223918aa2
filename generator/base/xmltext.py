"""Text and attribute values written into XML, as ``xml.sax.saxutils`` writes them (the same
characters, the same quotes): here, because importing ``saxutils`` loads Python's whole HTTP
client (``urllib.request``), a tenth of what ``vanban collect`` spent starting."""

from __future__ import annotations


def escape(text: str) -> str:
    """``&``, ``<`` and ``>`` as entities (``saxutils.escape``)."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def quoteattr(text: str) -> str:
    """An attribute's value with its quotes (``saxutils.quoteattr``): line breaks and tabs as
    character references, double quotes unless the value holds one and no single quote."""
    text = escape(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' in text:
        if "'" in text:
            return '"%s"' % text.replace('"', "&quot;")
        return "'%s'" % text
    return '"%s"' % text
