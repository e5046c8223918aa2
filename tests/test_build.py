"""The build as a whole: reproducible files, atomic writes, profiles as data, `vanban new`,
the schema and reference page, and the compile-once renderer."""

from __future__ import annotations

import json
import zipfile

import docx
import jinja2
import pytest

from conftest import DATA, REPO, edited_template, effective, find, run_cli, texts
from generator.app import docs, main as pipeline
from generator.formats import profiles
from generator.documents.environment import template_environment
from generator.documents.renderer import CompiledTemplate


def test_two_builds_in_two_folders_are_byte_identical(tmp_path):
    pipeline.build(DATA, tmp_path / "a")
    pipeline.build(DATA, tmp_path / "b")
    a = (tmp_path / "a" / "ke-hoach.docx").read_bytes()
    assert a == (tmp_path / "b" / "ke-hoach.docx").read_bytes()
    with zipfile.ZipFile(tmp_path / "a" / "ke-hoach.docx") as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_properties_come_from_the_data(party_plan):
    props = docx.Document(party_plan).core_properties
    assert props.created.date().isoformat() == "2021-02-23"
    assert props.modified == props.created
    assert props.author == "Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh"
    assert props.keywords == "150-KH/ĐUK"
    assert props.title.startswith("Kế hoạch sơ kết 05 năm")


def test_rebuild_rewrites_nothing_when_nothing_changed(tmp_path, capsys):
    out = tmp_path / "out"
    code, stdout, _ = run_cli(["build", "--data", DATA, "--out", out], capsys)
    files = sorted(p for p in out.rglob("*.*") if p.suffix in (".docx", ".xlsx", ".zip") and ".vanban" not in p.parts)
    assert code == 0 and f"{len(files)} tệp đã ghi, 0 tệp không đổi" in stdout
    assert len(files) == 6 + 2 * 49 + 32  # plan, outline, forms, consolidated, its sources, digest, 32 kits; a skeleton and a workbook each
    before = {p: p.stat().st_mtime_ns for p in files}
    code, stdout, _ = run_cli(["build", "--data", DATA, "--out", out], capsys)
    assert code == 0 and f"0 tệp đã ghi, {len(files)} tệp không đổi, 0 tệp đã xóa" in stdout
    assert {p: p.stat().st_mtime_ns for p in files} == before
    leftovers = [p for p in out.rglob("*") if p.is_file() and p.suffix == ".tmp"]
    assert not leftovers  # no temporary file left


def test_a_changed_deadline_changes_every_sentence_that_states_it(campaign, tmp_path):
    text = (campaign / "chien-dich.yaml").read_text(encoding="utf-8")
    text = text.replace("review_deadline: 15/4/2021", "review_deadline: 16/4/2021")
    text = text.replace("report_deadline: 05/5/2021", "report_deadline: 07/5/2021")
    (campaign / "chien-dich.yaml").write_text(text, encoding="utf-8")
    pipeline.build(campaign, tmp_path / "out")
    body = " ".join(texts(docx.Document(tmp_path / "out" / "ke-hoach.docx")))
    assert "Chi bộ cơ sở: Hoàn thành trước ngày 16/4/2021." in body
    assert "trước ngày 07/5/2021)" in body
    assert "15/4/2021" not in body and "05/5/2021" not in body


def test_out_folder_that_is_a_file_is_refused(tmp_path, capsys):
    target = tmp_path / "out"
    target.write_text("x")
    code, _, err = run_cli(["build", "--data", DATA, "--out", target], capsys)
    assert code == 2 and "là một tệp" in err and target.read_text() == "x"


# --- profiles -----------------------------------------------------------------------------

def test_a_third_profile_is_data_only():
    path = profiles.PROFILE_DIR / "dang-hd05-2026.yaml"
    content = path.read_text(encoding="utf-8")
    assert "extends: dang-hd36" in content
    hd05 = profiles.build_profile("dang-hd05-2026")
    hd36 = profiles.build_profile("dang-hd36")
    assert hd05.name != hd36.name
    # what HD 05 changes, each value from its text
    assert (hd36.recipients.separator, hd05.recipients.separator) == (",", ";")
    assert hd05.styles["body"].line_spacing_exact_pt == 18 and hd05.styles["body"].line_spacing_min_pt is None
    assert (hd36.numbering.types["Quy định"], hd05.numbering.types["Quy định"]) == ("QĐi", "QĐ")
    assert hd05.numbering.types["Quyết định"] == "QĐ"
    assert hd05.in_force_from == "27/5/2026"
    # the rest is inherited: the header sizes are the same
    for key in ("national_title", "issuer", "superior", "number", "authority"):
        assert hd05.styles[key] == hd36.styles[key], key
    # but the date stands centred under the Party's name (HD 05's own samples), not to the right
    assert (hd36.styles["place_date"].align, hd05.styles["place_date"].align) == ("right", "center")
    assert hd05.styles["place_date"].model_copy(update={"align": "right"}) == hd36.styles["place_date"]


def test_campaign_picks_the_new_profile_and_overrides_values(campaign, tmp_path):
    text = (campaign / "chien-dich.yaml").read_text(encoding="utf-8")
    text = text.replace("\nformat: dang\n", "\nformat: dang-hd05-2026\n")
    text = text.replace("format_overrides: {}", "format_overrides:\n  body_size: 15\n"
                        "  page: {margin_left_mm: 35}\n  numbering: {headings: ['{roman}-', "
                        "'{n}.', '{path}.', '{letter})']}")
    (campaign / "chien-dich.yaml").write_text(text, encoding="utf-8")
    report = pipeline.build(campaign, tmp_path / "out")   # HD 05 chosen for a 2021 plan: a warning
    document = docx.Document(tmp_path / "out" / "ke-hoach.docx")
    assert round(document.sections[0].left_margin.mm) == 35
    assert effective(find(document, "I- MỤC ĐÍCH, YÊU CẦU"), "size") == 15
    assert any("thể thức có hiệu lực vào ngày đó là" in w.message for w in report.warnings)
    assert effective(find(document, "- Tổ chức Hội nghị sơ kết."), "size") == 15
    assert effective(find(document, "T/M BAN THƯỜNG VỤ"), "size") == 14  # not overridden


# --- vanban new ---------------------------------------------------------------------------

def test_new_campaign_builds_as_it_is(tmp_path, capsys, monkeypatch):
    target = tmp_path / "chien-dich-moi"
    code, out, err = run_cli(["new", target], capsys)
    assert code == 0, err
    assert (target / "data" / "chien-dich.yaml").is_file()
    assert (target / "templates" / "ke-hoach.docx").is_file()
    monkeypatch.chdir(target)
    code, out, err = run_cli(["build"], capsys)
    assert code == 0, err
    original = tmp_path / "original"
    pipeline.build(DATA, original)
    assert (target / "out" / "ke-hoach.docx").read_bytes() == (original / "ke-hoach.docx").read_bytes()


def test_new_campaign_uses_its_own_templates(tmp_path, capsys):
    target = tmp_path / "c"
    run_cli(["new", target], capsys)
    edited_template(target / "templates" / "ke-hoach.docx",
                    {"{{ doc_type }}": "{{ doc_type }} (DỰ THẢO)"})
    pipeline.build(target / "data", target / "out")
    find(docx.Document(target / "out" / "ke-hoach.docx"), "KẾ HOẠCH (DỰ THẢO)")


def test_new_refuses_a_folder_with_content(tmp_path, capsys):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "a.txt").write_text("giữ nguyên")
    code, _, err = run_cli(["new", tmp_path / "x"], capsys)
    assert code == 2 and "đã có nội dung" in err
    assert (tmp_path / "x" / "a.txt").read_text() == "giữ nguyên"


# --- schema and reference -----------------------------------------------------------------

def test_schema_is_printed_and_describes_every_field(capsys):
    code, out, _ = run_cli(["check", "--schema"], capsys)
    assert code == 0
    schemas = json.loads(out)
    assert set(schemas) == {"chien-dich.yaml", "ke-hoach.yaml", "de-cuong.yaml", "phu-luc.yaml",
                            "don-vi.csv", "bao-cao-tong-hop.yaml"}
    plan = schemas["ke-hoach.yaml"]
    assert plan["additionalProperties"] is False
    assert {"number", "date", "summary", "sections", "signer", "recipients"} <= set(plan["required"])


def test_committed_reference_page_and_schemas_are_current():
    assert (REPO / "docs" / "du-lieu.md").read_text(encoding="utf-8") == docs.reference_page()
    for name, schema in docs.json_schemas().items():
        path = REPO / "docs" / "schema" / (name.rsplit(".", 1)[0] + ".schema.json")
        assert json.loads(path.read_text(encoding="utf-8")) == schema


def test_reference_page_documents_every_field():
    page = docs.reference_page()
    for field in ("issuer.superior", "reviewed[].symbol", "levels[].report_deadline",
                  "final_deadline", "summary", "sections[].lines[].sub", "signer.authority[].mode",
                  "recipients", "{{ docs.<mã> }}", "{{ levels.<mã>.review_deadline }}"):
        assert f"`{field}`" in page


# --- the renderer -------------------------------------------------------------------------

def test_template_is_compiled_once_and_rendered_many_times(monkeypatch):
    profile = profiles.build_profile("dang-hd36")
    env = template_environment(profile)
    compiled = []
    original = env.from_string

    def counting(source, *args, **kwargs):
        compiled.append(len(source))
        return original(source, *args, **kwargs)

    monkeypatch.setattr(env, "from_string", counting)
    template = CompiledTemplate(REPO / "templates" / "ke-hoach.docx", env, profile)
    parts = len(compiled)
    assert parts >= 1
    prepared = pipeline.prepare(DATA)
    context = prepared.documents[0].context
    props = prepared.documents[0].props
    outputs = []
    for name in ("A", "B", "C"):
        outputs.append({e.name: e for e in template.render({**context, "doc_type": name}, props)})
    assert len(compiled) == parts  # no compiling per document
    bodies = [o["word/document.xml"].data for o in outputs]
    assert len(set(bodies)) == 3
    # the parts that do not change were packed once and are shared
    assert outputs[0]["word/styles.xml"] is outputs[2]["word/styles.xml"]


def test_templates_are_strict_and_escape():
    profile = profiles.build_profile("dang-hd36")
    env = template_environment(profile)
    assert env.autoescape is True
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ nothing }}").render()
    assert env.from_string("{{ x }}").render(x="a & <b>") == "a &amp; &lt;b&gt;"


def test_filters_reach_the_vietnamese_rules():
    from datetime import date
    env = template_environment(profiles.build_profile("nha-nuoc-nd30"))
    out = env.from_string("{{ d | short_date }} {{ 1234567 | figure }} {{ 85.5 | percent }} "
                          "{{ 4 | roman }} {{ 5 | letter }} {{ number_line(7, 'KH', 'UBND') }}"
                          ).render(d=date(2021, 5, 5))
    assert out == "05/5/2021 1.234.567 85,5% IV đ Số: 07/KH-UBND"


def test_state_example_builds_with_the_state_profile(state_plan):
    document = docx.Document(state_plan)
    assert "Số: 12/KH-UBND" in texts(document)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" not in texts(document)
