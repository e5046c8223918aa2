"""Deterministic, incremental builds: byte-identical files, a no-op rebuild that rewrites
nothing, a change that rewrites only what depends on it, an interrupted build that leaves
every file whole, --watch and --pdf."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import docx
import pytest

from conftest import DATA, run_cli, texts
from generator.app import main as pipeline
from generator.base import workers
from generator.documents import renderer
from generator.base import writer


ALL = 6 + 2 * 49 + 32  # plan, outline, forms, consolidated report and its sources (nguon-so-lieu.xlsx), digest; kits of the 32 đảng bộ; a skeleton and a workbook per unit
DATED = ALL - 1        # all but the sources workbook, which prints no date of the plan


def made(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.*") if p.suffix in (".docx", ".xlsx", ".zip") and ".vanban" not in p.parts)


def outputs(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in made(folder)}


def mtimes(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in made(folder)}


@pytest.fixture
def built(campaign, tmp_path):
    out = tmp_path / "out"
    pipeline.build(campaign, out)
    return campaign, out


def test_two_builds_in_two_folders_are_byte_identical(tmp_path):
    pipeline.build(DATA, tmp_path / "a")
    pipeline.build(DATA, tmp_path / "b")
    a, b = outputs(tmp_path / "a"), outputs(tmp_path / "b")
    assert len(a) == ALL and a == b


def test_noop_rebuild_renders_and_rewrites_nothing(built, monkeypatch, capsys):
    data, out = built
    before = mtimes(out)
    rendered = []
    original = renderer.CompiledTemplate.render
    monkeypatch.setattr(renderer.CompiledTemplate, "render",
                        lambda self, *a: rendered.append(1) or original(self, *a))
    code, stdout, err = run_cli(["build", "--data", data, "--out", out], capsys)
    assert code == 0, err
    assert stdout.strip().splitlines()[-1] == f"Xong: 0 tệp đã ghi, {ALL} tệp không đổi, 0 tệp đã xóa."
    assert rendered == [] and mtimes(out) == before


def test_renaming_one_unit_rewrites_only_what_names_it(built):
    data, out = built
    before = outputs(out)
    csv = (data / "don-vi.csv").read_text(encoding="utf-8")
    (data / "don-vi.csv").write_text(csv.replace("Chi bộ Ban Dân tộc", "Chi bộ Ban Dân tộc tỉnh"),
                                     encoding="utf-8")
    report = pipeline.build(data, out)
    assert sorted(report.written) == ["bao-cao-tong-hop.docx", "don-vi/chi-bo-ban-dan-toc.docx",
                                      "don-vi/chi-bo-ban-dan-toc.xlsx"]
    assert len(report.unchanged) == ALL - 3
    after = outputs(out)
    assert [n for n in after if after[n] != before[n]] == sorted(report.written)
    assert "CHI BỘ BAN DÂN TỘC TỈNH" in texts(docx.Document(out / "don-vi" / "chi-bo-ban-dan-toc.docx"))


def test_changing_the_plan_date_rewrites_everything(built):
    data, out = built
    plan = (data / "ke-hoach.yaml").read_text(encoding="utf-8")
    (data / "ke-hoach.yaml").write_text(plan.replace("date: 23/02/2021", "date: 24/02/2021"),
                                        encoding="utf-8")
    report = pipeline.build(data, out)
    assert len(report.written) == DATED and report.unchanged == ["nguon-so-lieu.xlsx"]


def test_force_rebuilds_everything_and_a_deleted_output_comes_back(built, monkeypatch):
    data, out = built
    (out / "de-cuong.docx").unlink()
    report = pipeline.build(data, out)
    assert report.written == ["de-cuong.docx"]
    rendered = []
    original = renderer.CompiledTemplate.render
    monkeypatch.setattr(renderer.CompiledTemplate, "render",
                        lambda self, *a: rendered.append(1) or original(self, *a))
    monkeypatch.setattr(workers, "PARALLEL_FROM", 10_000)  # count the renders in this process
    report = pipeline.build(data, out, force=True)
    assert len(rendered) >= 53 and report.written == []  # same bytes: nothing to rewrite


def test_two_processes_make_the_same_files_as_one(tmp_path, monkeypatch):
    pipeline.build(DATA, tmp_path / "two")        # ≥ 64 documents: shared between the cores
    monkeypatch.setattr(workers, "PARALLEL_FROM", 10_000)
    pipeline.build(DATA, tmp_path / "one")
    assert outputs(tmp_path / "two") == outputs(tmp_path / "one")


def test_removed_unit_is_removed_with_the_manifest(built):
    data, out = built
    csv = (data / "don-vi.csv").read_text(encoding="utf-8").splitlines()
    (data / "don-vi.csv").write_text("\n".join(l for l in csv if not l.startswith("chi-bo-bao-ha-tinh,")) + "\n",
                                     encoding="utf-8")
    report = pipeline.build(data, out)
    assert report.removed == ["don-vi/chi-bo-bao-ha-tinh.docx", "don-vi/chi-bo-bao-ha-tinh.xlsx"]
    # the consolidated report lists the units, the digest counts them
    assert report.written == ["bao-cao-tong-hop.docx", "tong-hop-y-kien.docx"]
    assert not (out / "don-vi" / "chi-bo-bao-ha-tinh.docx").exists()


@pytest.mark.parametrize("moment", ["while rendering", "while renaming"])
def test_an_interrupted_build_leaves_all_old_or_all_new(built, monkeypatch, moment):
    """Stopped while it stages the new files, a build has changed nothing; stopped while it
    renames them into place, the next run finishes the renames before anything else."""
    from generator.base import transaction
    data, out = built
    old = outputs(out)
    plan = (data / "ke-hoach.yaml").read_text(encoding="utf-8")
    (data / "ke-hoach.yaml").write_text(plan.replace("date: 23/02/2021", "date: 24/02/2021"),
                                        encoding="utf-8")
    calls = {"n": 0}
    patched = "write_file" if moment == "while rendering" else "replace"
    target = transaction if moment == "while rendering" else writer.os
    original = getattr(target, patched)

    def power_cut(*args):
        calls["n"] += 1
        if calls["n"] == 20:
            raise KeyboardInterrupt  # the power goes off here
        return original(*args)

    monkeypatch.setattr(target, patched, power_cut)
    monkeypatch.setattr(workers, "PARALLEL_FROM", 10_000)  # one process, to stop it midway
    with pytest.raises(KeyboardInterrupt):
        pipeline.build(data, out)
    monkeypatch.setattr(target, patched, original)
    now = outputs(out)
    assert set(now) == set(old)
    changed = [n for n in now if now[n] != old[n]]
    if moment == "while rendering":
        assert changed == []                      # nothing decided, nothing changed
    else:
        assert 0 < len(changed) < len(old)        # killed halfway through the renames
    report = pipeline.build(data, out)            # the next run finishes or starts afresh
    notes = [w.message for w in report.warnings]
    if moment == "while renaming":
        assert any("đã ghi nốt lần ghi bị ngắt" in n for n in notes), notes
        assert report.written == []               # finished from the journal, not re-rendered
    else:
        assert len(report.written) == DATED
    assert not [p for p in out.rglob("*") if p.is_file() and ".vanban/tam" in p.as_posix()]
    fresh = out.parent / "fresh"
    pipeline.build(data, fresh)
    assert outputs(out) == outputs(fresh)  # and the result is what a clean build makes


def test_watch_rebuilds_when_a_data_file_is_saved(built):
    from generator.app.watch import watch
    data, out = built
    rebuilt = []
    stop = threading.Event()

    def on_change():
        rebuilt.append(pipeline.build(data, out))
        stop.set()

    thread = threading.Thread(target=watch, args=([data], on_change),
                              kwargs={"interval": 0.05, "should_stop": stop.is_set})
    thread.start()
    time.sleep(0.2)
    plan = (data / "ke-hoach.yaml").read_text(encoding="utf-8")
    (data / "ke-hoach.yaml").write_text(plan.replace("Nguyễn Trọng Vân", "Nguyễn Văn B"), encoding="utf-8")
    thread.join(timeout=20)
    assert not thread.is_alive() and len(rebuilt) == 1
    # the plan, and the kits that carry the plan's data to the units with branches
    assert rebuilt[0].written == sorted(["ke-hoach.docx"] + [
        n for n in rebuilt[0].written if n.startswith("bo-du-lieu/")])
    assert len(rebuilt[0].written) == 1 + 32


def test_pdf_without_libreoffice_says_how_to_install_it(built, monkeypatch, capsys):
    data, out = built
    monkeypatch.setattr("generator.documents.pdf.soffice", lambda: None)
    (out / "ke-hoach.docx").unlink()
    code, stdout, err = run_cli(["build", "--data", data, "--out", out, "--pdf"], capsys)
    assert code == 4                      # the PDFs asked for were not made: not a success
    assert "chưa cài LibreOffice" in err and "apt-get install libreoffice-writer-nogui" in err
    assert (out / "ke-hoach.docx").is_file() and not (out / "ke-hoach.pdf").exists()


@pytest.mark.skipif(not shutil.which("soffice"), reason="cần LibreOffice")
def test_pdf_of_changed_documents_in_one_batch(tmp_path, campaign, capsys):
    out = tmp_path / "out"
    csv = (campaign / "don-vi.csv").read_text(encoding="utf-8").splitlines()
    (campaign / "don-vi.csv").write_text("\n".join(csv[:3]) + "\n", encoding="utf-8")  # 2 units
    code, stdout, err = run_cli(["build", "--data", campaign, "--out", out, "--pdf"], capsys)
    assert code == 0, err
    pdfs = sorted(str(p.relative_to(out)) for p in out.rglob("*.pdf"))
    # the signed documents only: the unit skeletons (don-vi/) are forms to fill, not signed
    assert pdfs == ["bao-cao-tong-hop.pdf", "de-cuong.pdf", "ke-hoach.pdf", "phu-luc.pdf",
                    "tong-hop-y-kien.pdf"]
    assert (out / "ke-hoach.pdf").read_bytes().startswith(b"%PDF")
    code, stdout, err = run_cli(["build", "--data", campaign, "--out", out, "--pdf"], capsys)
    assert ".pdf" not in stdout  # nothing changed: no PDF made again
