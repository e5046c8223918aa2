"""Returned files sent by upload: saved under a scratch folder beside the data (same disk),
size-checked while they are written, then handed to the same ``collect`` as the command
line, which checks each one as a file from elsewhere before it reads it."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..intake.collect import CollectReport
from ..base.ooxml import MAX_FILE
from ..app.workspace import Workspace, safe_name

TAKEN, REPLACED, UNCHANGED, CONFLICT, REFUSED = "đã nhận", "đã thay", "không đổi", "xung đột", "không nhận"
RESULT_CODES = {TAKEN: "taken", REPLACED: "replaced", UNCHANGED: "unchanged", CONFLICT: "conflict",
                REFUSED: "refused"}
SUFFIXES = (".docx", ".xlsx")


@dataclass
class FileResult:
    file: str
    result: str                # one of the words above
    unit: str = ""
    reason: str = ""
    kept: str = ""             # a conflict: the name it is kept under in xung-dot/
    unit_name: str = ""
    notes: list[str] = field(default_factory=list)
    held: str = ""             # its unit not told: kept for a person to assign (``unassigned``)

    @property
    def code(self) -> str:
        return RESULT_CODES[self.result]


def take(workspace: Workspace, uploads: list, *, replace: bool = False,
         received: date | None = None) -> tuple[list[FileResult], CollectReport | None]:
    """Collect ``uploads`` (Starlette ``UploadFile``s): a result for every file, an error of
    one file never the others'. Runs in a thread (it reads and writes files)."""
    results: list[FileResult] = []
    scratch_root = workspace.data_dir / ".vanban"
    scratch_root.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="nhan-", dir=scratch_root))
    try:
        saved: dict[Path, str] = {}
        for number, upload in enumerate(uploads):
            shown = (upload.filename or "").replace("\\", "/").rsplit("/", 1)[-1] or "(không tên)"
            try:
                name = safe_name(shown)
            except Exception:
                results.append(FileResult(shown, REFUSED, reason="tên tệp không hợp lệ"))
                continue
            if not name.lower().endswith(SUFFIXES):
                results.append(FileResult(shown, REFUSED, reason="chỉ nhận báo cáo Word (.docx) "
                                          "hoặc biểu mẫu Excel (.xlsx) do vanban sinh ra"))
                continue
            target = scratch / f"{number:04d}" / name   # a folder per file sent, refused or not
            target.parent.mkdir()
            if not save(upload, target):
                results.append(FileResult(shown, REFUSED, reason=f"tệp lớn quá {MAX_FILE // (1024 * 1024)} MB"))
                continue
            saved[target] = shown
        if not saved:
            return results, None
        report = workspace.collect(sorted(saved), replace=replace, received=received)
        notes: dict[Path, list[str]] = {}
        for path, note in report.notes:
            notes.setdefault(path, []).append(note)
        for path, unit in report.stored:
            results.append(FileResult(saved[path], TAKEN, unit, notes=notes.get(path, [])))
        for path, unit in report.replaced:
            results.append(FileResult(saved[path], REPLACED, unit, notes=notes.get(path, [])))
        for path, unit in report.unchanged:
            results.append(FileResult(saved[path], UNCHANGED, unit, notes=notes.get(path, [])))
        for path, unit, kept in report.conflicts:
            results.append(FileResult(saved[path], CONFLICT, unit, kept=kept.name,
                                      reason="đơn vị đã có số liệu từ một tệp khác",
                                      notes=notes.get(path, [])))
        unrecognised = {path for path, _ in report.unrecognised}
        for path, why in report.refused:
            held = workspace.hold(path, saved.get(path, path.name), why).id if path in unrecognised else ""
            results.append(FileResult(saved.get(path, path.name), REFUSED, reason=why, held=held))
        names = {u.id: u.name for u in workspace.loaded().data.units}
        for r in results:
            r.unit_name = names.get(r.unit, r.unit)
        return results, report
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def save(upload, target: Path) -> bool:
    """Copy the upload to ``target``, stopping past the largest file ``collect`` reads (in a
    thread: the upload's spooled file is read directly)."""
    written = 0
    upload.file.seek(0)
    with open(target, "wb") as out:
        while True:
            chunk = upload.file.read(1024 * 1024)
            if not chunk:
                return True
            written += len(chunk)
            if written > MAX_FILE:
                return False
            out.write(chunk)
