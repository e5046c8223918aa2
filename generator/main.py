"""The pipeline: load → validate → build contexts → render → write.

Each step is a function here; the CLI only parses arguments and reports. Nothing is written
until every document has been rendered in memory, so bad data or a broken template leaves
the previous outputs as they were.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from .contexts.common import Prose, prose_values
from .contexts.consolidated import consolidated_context
from .contexts.forms import forms_context
from .contexts.outline import outline_context
from .contexts.plan import plan_context
from .contexts.unit import UnitContexts
from .environment import ProseRenderer, template_environment
from .exceptions import DataError, Problem, UsageError
from .renderer import CompiledTemplate, DocProperties
from .validate import CampaignData, load_campaign
from .writer import write_atomic, zip_bytes

REPO = Path(__file__).resolve().parent.parent
BUNDLED_DATA = REPO / "data"
BUNDLED_TEMPLATES = REPO / "templates"


@dataclass
class Document:
    """One output: where it goes, which template draws it, and what it is filled with."""

    output: str             # path under the out folder: "ke-hoach.docx"
    template: str           # template file name: "ke-hoach.docx"
    context: dict
    props: DocProperties


@dataclass
class Prepared:
    """A validated campaign and the documents it makes, ready to render."""

    data: CampaignData
    documents: list[Document]
    warnings: list[Problem] = field(default_factory=list)


@dataclass
class BuildReport:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


UNITS_DIR = "don-vi"


def template_dirs(data_dir: Path) -> list[Path]:
    """Where templates are looked for, first match wins: the campaign's own ``templates/``
    inside the data folder, ``templates/`` beside it, then the bundled templates."""
    return [data_dir / "templates", data_dir.parent / "templates", BUNDLED_TEMPLATES]


def find_template(data_dir: Path, name: str) -> Path:
    for folder in template_dirs(data_dir):
        if (folder / name).is_file():
            return folder / name
    return BUNDLED_TEMPLATES / name


def prepare(data_dir: Path, unit_id: str | None = None) -> Prepared:
    """Load and validate the data and build every document's context (or only the skeleton
    of ``unit_id``); raise one :class:`DataError` with every problem found."""
    data = load_campaign(data_dir)
    problems = list(data.problems)
    renderer = ProseRenderer(prose_values(data))
    prose = Prose(renderer, data.sources["ke-hoach.yaml"], problems)
    outline_prose = (Prose(renderer, data.sources["de-cuong.yaml"], problems)
                     if data.outline else None)
    documents = []
    if unit_id is None:
        context, props = plan_context(data, prose, outline_prose)
        documents.append(Document("ke-hoach.docx", "ke-hoach.docx", context, props))
        if data.outline:
            context, props = outline_context(data, outline_prose)
            documents.append(Document("de-cuong.docx", "de-cuong.docx", context, props))
        if data.appendix:
            context, props = forms_context(data)
            documents.append(Document("phu-luc.docx", "phu-luc.docx", context, props))
        if data.outline and data.appendix and data.units:
            report_prose = (Prose(renderer, data.sources["bao-cao-tong-hop.yaml"], problems)
                            if data.consolidated else None)
            context, props = consolidated_context(data, outline_prose, report_prose)
            documents.append(Document("bao-cao-tong-hop.docx", "bao-cao-tong-hop.docx", context,
                                      props))
    units = data.units
    if unit_id is not None:
        units = [u for u in units if u.id == unit_id]
        if not units:
            raise UsageError(f"Không có đơn vị mã «{unit_id}» trong don-vi.csv.")
    if data.outline and data.appendix:
        builder = UnitContexts(data, outline_prose)
        for unit in units:
            context, props = builder.context(unit)
            documents.append(Document(f"{UNITS_DIR}/{unit.id}.docx", "don-vi.docx", context, props))
    if any(p.is_error for p in problems):
        raise DataError(problems)
    return Prepared(data, documents, problems)


def render_all(prepared: Prepared, data_dir: Path) -> dict[str, bytes]:
    """Every output's bytes, each template compiled once for the run."""
    env = template_environment(prepared.data.profile)
    compiled: dict[str, CompiledTemplate] = {}
    out: dict[str, bytes] = {}
    for doc in prepared.documents:
        if doc.template not in compiled:
            compiled[doc.template] = CompiledTemplate(find_template(data_dir, doc.template), env,
                                                      prepared.data.profile)
        out[doc.output] = zip_bytes(compiled[doc.template].render(doc.context, doc.props))
    return out


def check(data_dir: Path) -> list[Problem]:
    """Validate data and templates without writing; return the warnings."""
    prepared = prepare(data_dir)
    render_all(prepared, data_dir)
    return prepared.warnings


def build(data_dir: Path, out_dir: Path, unit_id: str | None = None) -> BuildReport:
    """Generate every document into ``out_dir`` (or one unit's skeleton); only files whose
    bytes changed are written, and skeletons of units no longer in the data are removed."""
    prepared = prepare(data_dir, unit_id)
    files = render_all(prepared, data_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"«{out_dir}» là một tệp, không phải thư mục để ghi kết quả")
    report = BuildReport(warnings=prepared.warnings)
    for name, content in files.items():
        (report.written if write_atomic(out_dir / name, content) else report.unchanged).append(name)
    if unit_id is None:
        report.removed = remove_stale(out_dir / UNITS_DIR, {n for n in files if n.startswith(UNITS_DIR)})
    return report


def remove_stale(folder: Path, keep: set[str]) -> list[str]:
    """Delete the skeletons in ``folder`` whose unit is no longer in the data."""
    removed = []
    if folder.is_dir():
        for path in sorted(folder.glob("*.docx")):
            name = f"{UNITS_DIR}/{path.name}"
            if name not in keep:
                path.unlink()
                removed.append(name)
    return removed


def new_campaign(target: Path) -> list[Path]:
    """Start a campaign folder from the bundled example: ``target/data`` and
    ``target/templates``, so that ``vanban build`` inside ``target`` builds it as it is."""
    if target.exists() and any(target.iterdir()):
        raise UsageError(f"Thư mục «{target}» đã có nội dung; hãy chọn một thư mục mới hoặc trống.")
    made = []
    for src, name in ((BUNDLED_DATA, "data"), (BUNDLED_TEMPLATES, "templates")):
        shutil.copytree(src, target / name, dirs_exist_ok=True)
        made.append(target / name)
    return made
