"""Regenerating into a person's copy: a three-way merge of Word documents.

A generated document is finished by people in Word. When vanban regenerates it, three
versions meet: the *base* (what vanban wrote last time, kept in ``out/.vanban/goc/``), the
*new* build, and the person's copy (*mine*, the file in ``out/``). This package merges them
the way a version-control merge does, block by block (paragraphs, tables, rows, cells) and
inside a paragraph word by word, and writes the result into the person's copy:

- what the person changed stays as they wrote it;
- what vanban changed where the person did not touch arrives as Word revisions (``w:ins`` /
  ``w:del``, author «vanban»), so the signer accepts or rejects each one in Word;
- where both changed the same paragraph or cell, the person's text stays and vanban's new
  text is offered beside it as a tracked insertion with a Word comment, and the place is
  listed as a conflict.

Accepting every revision gives the person's words plus what a fresh build prints. It reads
only XML already in the person's package and the two vanban builds; it imports nothing of
the engine but the OOXML parsing rules (``ooxml``) and the deterministic zip (``writer``).
"""

from .package import MergeResult, merge_docx
from .words import accepted_paragraphs

__all__ = ["MergeResult", "merge_docx", "accepted_paragraphs"]
