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
from .contexts.plan import plan_context
from .environment import ProseRenderer, template_environment
from .exceptions import DataError, Problem, UsageError
from .renderer import CompiledTemplate, DocProperties
from .validate import CampaignData, load_campaign
from .writer import docx_bytes, write_atomic

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
    warnings: list[Problem] = field(default_factory=list)


def template_dirs(data_dir: Path) -> list[Path]:
    """Where templates are looked for, first match wins: the campaign's own ``templates/``
    inside the data folder, ``templates/`` beside it, then the bundled templates."""
    return [data_dir / "templates", data_dir.parent / "templates", BUNDLED_TEMPLATES]


def find_template(data_dir: Path, name: str) -> Path:
    for folder in template_dirs(data_dir):
        if (folder / name).is_file():
            return folder / name
    return BUNDLED_TEMPLATES / name


def prepare(data_dir: Path) -> Prepared:
    """Load and validate the data and build every document's context; raise one
    :class:`DataError` with every problem found."""
    data = load_campaign(data_dir)
    problems = list(data.problems)
    renderer = ProseRenderer(prose_values(data))
    prose = Prose(renderer, data.sources["ke-hoach.yaml"], problems)
    context, props = plan_context(data, prose)
    documents = [Document("ke-hoach.docx", "ke-hoach.docx", context, props)]
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
        out[doc.output] = docx_bytes(compiled[doc.template].render(doc.context, doc.props))
    return out


def check(data_dir: Path) -> list[Problem]:
    """Validate data and templates without writing; return the warnings."""
    prepared = prepare(data_dir)
    render_all(prepared, data_dir)
    return prepared.warnings


def build(data_dir: Path, out_dir: Path) -> BuildReport:
    """Generate every document into ``out_dir``; only files whose bytes changed are written."""
    prepared = prepare(data_dir)
    files = render_all(prepared, data_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"«{out_dir}» là một tệp, không phải thư mục để ghi kết quả")
    report = BuildReport(warnings=prepared.warnings)
    for name, content in files.items():
        (report.written if write_atomic(out_dir / name, content) else report.unchanged).append(name)
    return report


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
