"""Review before signing: checks written as data, a queue of findings, decisions that last.

What a chánh văn phòng signs must have been looked at. This layer sits between the returns a
campaign collected and the consolidated report built from them:

- ``rules``: the checks of ``kiem-tra.yaml`` beside ``phu-luc.yaml`` — each a left side, an
  operator and a right side over cells (``pl1.r5.so-luong``, sums over rows or columns), what
  to do when a value is missing, a severity, the levels and kinds it applies to, a message —
  read and validated up front, every mistake reported with file, line and key;
- ``evaluate``: the rules run over each unit's figures, giving findings on cells;
- ``queue``: every finding of the campaign (the rules' and those met while reading a file),
  sorted by severity and by what the value does to the consolidated total, with the
  decision taken on it;
- ``decisions``: «đã giải trình», «chấp nhận», «sửa» (a corrected value, the typed one kept),
  «yêu cầu đơn vị sửa» — kept by rule, unit, cell and value, so they survive collecting the
  same file again and rebuilding, and reopen only when that value changes; every decision
  appended to a log that is never rewritten.

It imports the engine's facts (the campaign, the forms' layout, the figures' reading:
``generator.config`` and below); the documents ask it what is still open (the signing gate)
and print only reviewed figures, and the traceability workbook made from its findings is a
document (``generator.documents.trace``). Nothing here writes a document.

May import: ``generator.base``, ``generator.model``, ``generator.formats``, ``generator.config``.
"""
