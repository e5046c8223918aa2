"""The pipeline: load → validate → build contexts → render → write.

Each step is a function here; the CLI only parses arguments and reports. Nothing is written
until every document has been rendered in memory, so bad data or a broken template leaves
the previous outputs as they were.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import kit, manifest, store, transaction
from .contexts.common import Prose, prose_values
from .contexts.consolidated import consolidated_context
from .contexts.digest import OUTPUT as DIGEST, digest_context
from .contexts.forms import forms_context
from .contexts.outline import outline_context
from .contexts.plan import plan_context
from .contexts.unit import UnitContexts
from .environment import ProseRenderer, template_environment
from .exceptions import WARNING, DataError, OutputError, Problem, RenderFailure, UsageError, VanbanError
from .exceptions import os_reason
from .renderer import CompiledTemplate, DocProperties
from .campaign import CampaignData
from .validate import load_campaign
from .writer import zip_bytes

PACKAGE = Path(__file__).resolve().parent
REPO = PACKAGE.parent


def _bundled(name: str) -> Path:
    """The example campaign or the templates: inside the package once installed from a wheel
    (``setup.py`` puts them in ``bundled/``), else the repository's own folder."""
    inside = PACKAGE / "bundled" / name
    return inside if inside.is_dir() else REPO / name


BUNDLED_DATA = _bundled("data")
BUNDLED_TEMPLATES = _bundled("templates")
EXAMPLES = {"dang": BUNDLED_DATA,                                            # văn bản của Đảng
            "nha-nuoc": _bundled("examples") / "ubnd-van-hoa-cong-vu"}      # văn bản nhà nước


@dataclass
class Document:
    """One output: where it goes, which template draws it, and what it is filled with."""

    output: str             # path under the out folder: "ke-hoach.docx"
    template: str | None    # template file name: "ke-hoach.docx"; None: made whole by ``produce``
    context: dict
    props: DocProperties | None
    produce: Callable[[], bytes] | None = None


@dataclass
class Spec:
    """An output before its context is built: what it depends on, and how to build it."""

    output: str
    template: str | None                                # None: ``make`` gives the bytes
    depends: list[str]                                  # names of the inputs it reads
    make: Callable[[], tuple[dict, DocProperties]] | Callable[[], bytes]


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
CAMPAIGN, PLAN, OUTLINE, FORMS, REPORT, UNITS = ("chien-dich.yaml", "ke-hoach.yaml", "de-cuong.yaml",
                                                 "phu-luc.yaml", "bao-cao-tong-hop.yaml", "don-vi.csv")
RETURNS = "bao-cao/"
PARENT_KIT = "cap-tren/"
REPORTED = "don-vi.csv:reported"


def template_dirs(data_dir: Path) -> list[Path]:
    """Where templates are looked for, first match wins: the campaign's own ``templates/``
    inside the data folder, ``templates/`` beside it, then the bundled templates."""
    return [data_dir / "templates", data_dir.parent / "templates", BUNDLED_TEMPLATES]


def find_template(data_dir: Path, name: str) -> Path:
    for folder in template_dirs(data_dir):
        if (folder / name).is_file():
            return folder / name
    return BUNDLED_TEMPLATES / name


def specs(data: CampaignData, problems: list[Problem]) -> list[Spec]:
    """Every output of the campaign, each with what it depends on. Contexts are built only
    when ``make`` is called; prose problems go to ``problems``."""
    renderer = ProseRenderer(prose_values(data))
    prose = Prose(renderer, data.sources[PLAN], problems)
    outline_prose = Prose(renderer, data.sources[OUTLINE], problems) if data.outline else None
    report_prose = Prose(renderer, data.sources[REPORT], problems) if data.consolidated else None
    out = [Spec("ke-hoach.docx", "ke-hoach.docx", [CAMPAIGN, PLAN, OUTLINE],
                lambda: plan_context(data, prose, outline_prose))]
    if data.outline:
        out.append(Spec("de-cuong.docx", "de-cuong.docx", [CAMPAIGN, PLAN, OUTLINE],
                        lambda: outline_context(data, outline_prose)))
    if data.appendix:
        out.append(Spec("phu-luc.docx", "phu-luc.docx", [CAMPAIGN, PLAN, FORMS],
                        lambda: forms_context(data)))
    if data.outline and data.appendix and data.units:
        out.append(Spec("bao-cao-tong-hop.docx", "bao-cao-tong-hop.docx",
                        [CAMPAIGN, PLAN, OUTLINE, FORMS, REPORT, UNITS, RETURNS],
                        lambda: consolidated_context(data, outline_prose, report_prose)))
        out.append(Spec(DIGEST, DIGEST, [CAMPAIGN, PLAN, OUTLINE, REPORTED, RETURNS],
                        lambda: digest_context(data, outline_prose)))
        builder = UnitContexts(data, outline_prose)
        for unit in data.units:
            if data.member(unit.id).level.branches:
                out.append(Spec(f"{kit.KITS}/{unit.id}.zip", None,
                                [CAMPAIGN, PLAN, OUTLINE, FORMS, f"unit:{unit.id}"],
                                lambda unit=unit: kit.kit_bytes(data, data.member(unit.id))))
            depends = [CAMPAIGN, PLAN, OUTLINE, FORMS, f"unit:{unit.id}"]
            out.append(Spec(f"{UNITS_DIR}/{unit.id}.docx", "don-vi.docx", depends,
                            lambda unit=unit: builder.context(unit)))
            if data.campaign.unit_workbooks:
                out.append(Spec(f"{UNITS_DIR}/{unit.id}.xlsx", None, depends,
                                lambda unit=unit: builder.workbook(unit)))
    if data.campaign.parent is not None:
        parent, found = kit.parent_of(data)
        problems += found
        if parent is not None and data.returns and data.outline and data.appendix \
                and not any(p.is_error for p in found):
            out.append(Spec(f"{kit.UP}/{data.campaign.parent.unit}.docx", "don-vi.docx",
                            [CAMPAIGN, PLAN, OUTLINE, FORMS, REPORT, UNITS, RETURNS, PARENT_KIT],
                            lambda: kit.sent_up(data, parent, report_prose or outline_prose)))
    return out


def input_hashes(data: CampaignData, data_dir: Path) -> dict[str, str]:
    """A hash of each input an output may depend on."""
    hashes = {name: manifest.file_hash(data_dir / name)
              for name in (CAMPAIGN, PLAN, OUTLINE, FORMS, REPORT)}
    for unit in data.units:  # the units by their rows, wherever the list is kept (CSV, XLSX)
        hashes[f"unit:{unit.id}"] = manifest._sha(unit.model_dump_json())
    hashes[UNITS] = manifest._sha(*[hashes[f"unit:{u.id}"] for u in data.units])
    # what the digest reads of the list: how many units, and the rows of those that reported
    hashes[REPORTED] = manifest._sha(str(len(data.units)), *[hashes[f"unit:{u.id}"] for u in data.units
                                                            if u.id in data.returns])
    records = sorted(store.folder(data_dir).glob("*.yaml"))
    hashes[RETURNS] = manifest._sha(*[p.name.encode() + p.read_bytes() for p in records])
    hashes[PARENT_KIT] = kit.parent_hash(data_dir)
    return hashes


def _documents(chosen: list[Spec], problems: list[Problem]) -> list[Document]:
    """The contexts of ``chosen``; raises one :class:`DataError` with every problem found.

    When the data already has errors, contexts are still built to find the problems of the
    prose too; one that cannot be built because of those errors is passed over (its cause is
    among the problems reported)."""
    documents = []
    broken = any(p.is_error for p in problems)
    for spec in chosen:
        if spec.template is None:  # a workbook: made whole when it is written
            documents.append(Document(spec.output, None, {}, None, spec.make))
            continue
        try:
            context, props = spec.make()
        except (KeyError, ValueError, TypeError, AttributeError, IndexError, StopIteration):
            if not broken:
                raise
            continue
        documents.append(Document(spec.output, spec.template, context, props))
    if any(p.is_error for p in problems):
        raise DataError(problems)
    return documents


def prepare(data_dir: Path, unit_id: str | None = None, *, repair: bool = True) -> Prepared:
    """Load and validate the data and build every document's context (or only the skeleton
    of ``unit_id``); raise one :class:`DataError` with every problem found."""
    data = load_campaign(data_dir, repair=repair)
    problems = list(data.problems)
    chosen = _choose(specs(data, problems), unit_id)
    return Prepared(data, _documents(chosen, problems), problems)


def _choose(all_specs: list[Spec], unit_id: str | None) -> list[Spec]:
    if unit_id is None:
        return all_specs
    chosen = [s for s in all_specs if s.output.startswith(f"{UNITS_DIR}/{unit_id}.")]
    if not chosen:
        raise UsageError(f"Không có đơn vị mã «{unit_id}» trong don-vi.csv.")
    return chosen


def compile_templates(documents: list[Document], data: CampaignData, data_dir: Path,
                      cache: dict | None = None) -> dict[str, CompiledTemplate]:
    """Each template the documents use, compiled once for the run — or once for as long as
    the file and the profile stay the same, when the caller keeps a ``cache`` between runs."""
    env = None
    compiled: dict[str, CompiledTemplate] = {}
    for doc in documents:
        if doc.template is None or doc.template in compiled:
            continue
        path = find_template(data_dir, doc.template)
        key = (str(path), manifest.file_hash(path), data.profile.model_dump_json())
        if cache is not None and key in cache:
            compiled[doc.template] = cache[key]
            continue
        env = env or template_environment(data.profile)
        compiled[doc.template] = CompiledTemplate(path, env, data.profile)
        if cache is not None:
            cache[key] = compiled[doc.template]
    return compiled


def render_all(prepared: Prepared, data_dir: Path) -> dict[str, bytes]:
    """Every output's bytes, each template compiled once for the run."""
    compiled = compile_templates(prepared.documents, prepared.data, data_dir)
    return {doc.output: _bytes(doc, compiled) for doc in prepared.documents}


def check(data_dir: Path) -> list[Problem]:
    """Validate data and templates, building and rendering every document in memory without
    writing; return the warnings (an interrupted collection among them)."""
    prepared = prepare(data_dir, repair=False)
    render_all(prepared, data_dir)
    return prepared.warnings


@dataclass
class Loaded:
    """A campaign loaded, validated and planned: what a build starts from. A long-running
    caller (the web workspace) keeps it while ``stamp`` — the inputs as they are on disk —
    stays the same, so a build with nothing to do reads no data file again."""

    stamp: tuple
    data: CampaignData
    problems: list[Problem]     # found while loading; a build adds those of the prose
    every: list[Spec]
    keys: dict[str, str]        # output → manifest key
    memo: dict = field(default_factory=dict)  # (template, inputs) → key, kept across loads


def input_stamp(data_dir: Path) -> tuple:
    """Name, size and time of every input: the data files, the collected returns and the
    templates. Any edit on disk changes it."""
    seen = []
    for folder in (data_dir, store.folder(data_dir), data_dir / PARENT_KIT, *template_dirs(data_dir)):
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.is_file():
                        st = entry.stat()
                        seen.append((str(folder), entry.name, st.st_size, st.st_mtime_ns, st.st_ino))
        except OSError:
            seen.append((str(folder), "", -1, -1, -1))
    return tuple(sorted(seen))


def load(data_dir: Path, previous: Loaded | None = None) -> Loaded:
    """The campaign of ``data_dir`` ready to build: ``previous`` itself when no input changed
    since it was loaded. Raises one :class:`DataError` with every problem of the data."""
    stamp = input_stamp(data_dir)
    if previous is not None and previous.stamp == stamp:
        return previous
    data = load_campaign(data_dir)
    problems = list(data.problems)
    every = specs(data, problems)
    if any(p.is_error for p in problems):
        _documents(every, problems)  # adds the problems of the prose, then raises them all
    memo = previous.memo if previous is not None and len(previous.memo) < 100_000 else {}
    return Loaded(stamp, data, problems, every, output_keys(every, data, data_dir, memo), memo)


def problems_of(loaded: Loaded) -> list[Problem]:
    """Every problem ``vanban check`` finds in a loaded campaign but those of the templates:
    its contexts built (nothing rendered) to find the problems of the prose."""
    known = len(loaded.problems)
    try:
        _documents(loaded.every, loaded.problems)
    except DataError:
        pass
    found = list(loaded.problems)
    del loaded.problems[known:]
    return found


def build(data_dir: Path, out_dir: Path, unit_id: str | None = None, *, force: bool = False,
          progress: Callable[[int], Callable[[int], None] | None] | None = None,
          loaded: Loaded | None = None, templates: dict | None = None) -> BuildReport:
    """Generate the documents into ``out_dir``, redoing only those whose inputs changed
    (all of them with ``force``); remove the outputs that no longer correspond to the data.
    ``progress(total)`` may return a function told how many documents were done. A caller
    that keeps the campaign between builds passes it as ``loaded`` (see :func:`load`) and
    its compiled templates as ``templates``.

    Three steps: *plan* (what is stale), *render* (every stale output's bytes, in parallel,
    staged beside the out folder; an error is carried back, not raised in a worker), and
    *commit* (the staged files renamed into place, the removals and the manifest, through one
    journal — see ``transaction.py``). A bad template or bad data leaves ``out_dir`` as it
    was; a build killed at any moment leaves it before or after (the next run finishes).
    """
    loaded = loaded or load(data_dir)
    data, every = loaded.data, loaded.every
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"«{out_dir}» là một tệp, không phải thư mục để ghi kết quả")
    chosen = _choose(every, unit_id)
    keys = loaded.keys
    known = len(loaded.problems)
    try:
        with transaction.lock(out_dir):
            problems = loaded.problems
            for note in transaction.recover(out_dir):
                problems.append(Problem(str(out_dir), None, "", note, WARNING))
            book = manifest.Manifest(out_dir)
            # plan: what is stale
            todo = [s for s in chosen if force or not book.fresh(s.output, keys[s.output])]
            documents = _documents(todo, problems)
            compiled = compile_templates(documents, data, data_dir, templates)
            report = BuildReport(warnings=list(problems))
            redone = {s.output for s in todo}
            report.unchanged = [s.output for s in chosen if s.output not in redone]
            # render: every stale output staged, nothing in out_dir touched
            change = transaction.Transaction(out_dir)
            step = progress(len(documents)) if progress else None
            try:
                results = render_staged(documents, compiled, out_dir, change.staging, step)
            except BaseException:
                change.discard()
                raise
            # commit: renames, removals and the manifest, through one journal
            removed = _removed(every, book, out_dir) if unit_id is None else []
            _commit(change, book, keys, results, removed, report)
    finally:
        del loaded.problems[known:]  # this build's own findings are in its report only
    return report


def output_keys(chosen: list[Spec], data: CampaignData, data_dir: Path,
                memo: dict | None = None) -> dict[str, str]:
    """The manifest key of each output: a hash of everything it is made from. A caller that
    keeps ``memo`` between loads hashes again only the outputs whose inputs changed."""
    hashes = input_hashes(data, data_dir)
    templates = {t: manifest.file_hash(find_template(data_dir, t))
                 for t in {s.template for s in chosen if s.template}}
    memo = {} if memo is None else memo
    named = {d: f"{d}:{h}" for d, h in hashes.items()}
    keys = {}
    for s in chosen:
        template = templates.get(s.template, "-")
        made_from = (template, *[named[d] for d in s.depends])
        key = memo.get(made_from)
        if key is None:
            key = memo[made_from] = manifest.key(list(made_from[1:]), template)
        keys[s.output] = key
    return keys


def _removed(every: list[Spec], book: manifest.Manifest, out_dir: Path) -> list[str]:
    """Outputs of an earlier build that the data no longer makes (a unit removed)."""
    current = {s.output for s in every}
    stale = {n for n in book.entries if n not in current}
    try:
        with os.scandir(out_dir / UNITS_DIR) as entries:
            names = [f"{UNITS_DIR}/{e.name}" for e in entries if e.name.endswith((".docx", ".xlsx"))]
    except OSError:
        names = []
    stale |= {n for n in names if n not in current}
    return sorted(stale)


def _commit(change: transaction.Transaction, book: manifest.Manifest, keys: dict[str, str],
            results: list[tuple[str, Path | None]], removed: list[str], report: BuildReport) -> None:
    for name, staged in sorted(results):
        if staged is None:  # the same bytes as the file already there
            report.unchanged.append(name)
            book.record(name, keys[name], change.root / name)
        else:
            report.written.append(name)
            change.adopt(staged, name)
            book.record(name, keys[name], staged)
    for name in removed:
        change.delete(name)
        book.forget(name)
        report.removed.append(name)
    if results or removed or not book.path.exists():
        change.put(manifest.MANIFEST.as_posix(), book.dumps())
    change.commit()


def workers_for(count: int) -> int:
    """How many processes render ``count`` documents: every core this process may use, for a
    batch large enough to be worth it."""
    if count < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, count // 16))


PARALLEL_FROM = 64  # documents; fewer are not worth a second process
CHUNK = 16


def render_staged(documents: list[Document], compiled: dict[str, CompiledTemplate],
                  out_dir: Path, staging: Path, progress=None) -> list[tuple[str, Path | None]]:
    """Render every document and stage the bytes of each one that differs from the file in
    ``out_dir``: ``(output, staged file)``, or ``(output, None)`` when unchanged. Nothing in
    ``out_dir`` is touched. The first error — from any process — is raised here, after the
    others have stopped."""
    staging.mkdir(parents=True, exist_ok=True)
    global _JOB
    _JOB = (documents, compiled, out_dir, staging)
    chunks = [range(i, min(i + CHUNK, len(documents))) for i in range(0, len(documents), CHUNK)]
    results: list[tuple[str, Path | None]] = []
    try:
        workers = workers_for(len(documents))
        if workers == 1:
            outcomes = map(_render_chunk, chunks)
            for outcome in outcomes:
                results += _unpack(outcome, progress)
            return results
        for template in compiled.values():
            template.warm()  # pack the shared parts once, before the processes part ways
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for outcome in pool.imap_unordered(_render_chunk, chunks):
                results += _unpack(outcome, progress)  # raises the first error; the pool stops
        return results
    finally:
        _JOB = None


def _unpack(outcome, progress) -> list[tuple[str, Path | None]]:
    done, error = outcome
    if error is not None:
        raise error
    if progress:
        progress(len(done))
    return done


_JOB = None


def _render_chunk(indexes: range):
    """Render and stage the documents at ``indexes``: ``(results, None)``, or ``(results so
    far, error)`` — an error travels back as data, never raised inside a worker."""
    documents, compiled, out_dir, staging = _JOB
    done: list[tuple[str, Path | None]] = []
    for i in indexes:
        doc = documents[i]
        try:
            done.append((doc.output, _stage(_bytes(doc, compiled), out_dir / doc.output, staging)))
        except VanbanError as exc:
            return done, exc
        except Exception as exc:  # a bug of ours: its kind and words, for the report
            return done, RenderFailure(f"{doc.output}: {type(exc).__name__}: {exc}")
    return done, None


def _stage(data: bytes, target: Path, staging: Path) -> Path | None:
    """``data`` written to a new file in ``staging``, unless ``target`` holds exactly it."""
    try:
        if target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data:
            return None
    except OSError as exc:
        raise OutputError(f"Không đọc được tệp {target}: {os_reason(exc)}") from None
    return transaction.stage(staging, data, target)


def _bytes(doc: Document, compiled: dict[str, CompiledTemplate]) -> bytes:
    if doc.produce is not None:
        return doc.produce()
    return zip_bytes(compiled[doc.template].render(doc.context, doc.props))


def new_campaign(target: Path, example: str = "dang") -> list[Path]:
    """Start a campaign folder from a bundled example (``dang``: the Party campaign,
    ``nha-nuoc``: the state one): ``target/data`` and ``target/templates``, so that
    ``vanban build`` inside ``target`` builds it as it is."""
    if example not in EXAMPLES:
        raise UsageError(f"Không có chiến dịch mẫu «{example}»; có: {', '.join(EXAMPLES)}.")
    if target.exists() and any(target.iterdir()):
        raise UsageError(f"Thư mục «{target}» đã có nội dung; hãy chọn một thư mục mới hoặc trống.")
    made = []
    for src, name in ((EXAMPLES[example], "data"), (BUNDLED_TEMPLATES, "templates")):
        # the example's own returned figures, if any were collected, do not start a campaign
        shutil.copytree(src, target / name, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns(store.FOLDER, ".*"))
        made.append(target / name)
    return made
