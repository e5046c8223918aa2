"""A whole number with its thousands grouped the Vietnamese way: ``1234567`` → ``1.234.567``.

The one writing of that rule. ``formats/vnrules.figure`` writes every figure of a document by
it (with the decimals after «,»); it lives here, below every layer, so that the messages of
the lowest ones (a file past its limit, a part with too many tags) group their numbers the
same way.
"""

from __future__ import annotations


def thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")
