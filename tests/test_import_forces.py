"""A second force imported beside Cleveland: it loads and validates, the Cleveland files are
untouched, and the command refuses to overwrite or to import into broken content."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from bot.cli import cli
from bot.content import loader

ROOT = Path(__file__).resolve().parents[1]
REPORT = Path(__file__).resolve().parent / "fixtures" / "import" / "durham-peel.txt"


def _copy(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    return content


def _import(content: Path, *args: str):
    return CliRunner().invoke(cli, ["import", str(REPORT), "--content", str(content), *args])


def test_second_force_loads_beside_cleveland(tmp_path):
    content = _copy(tmp_path)
    before = {p: p.read_bytes() for p in (content / "cleveland").glob("*")}
    result = _import(content, "--force", "durham", "--name", "Durham Constabulary")
    assert result.exit_code == 0, result.output
    assert "Drafted: 5 judgments, 1 causes of concern, 2 recommendations" in result.output
    assert {p: p.read_bytes() for p in (content / "cleveland").glob("*")} == before
    assert (content / "durham" / "force.yaml").is_file()
    assert (content / "sources" / "durham-peel.txt").read_text(encoding="utf-8") == REPORT.read_text(
        encoding="utf-8")
    kb, problems = loader.check(content)
    assert kb is not None, [str(p) for p in problems if not p.warning]
    assert {f.id: f.prefix for f in kb.forces} == {"cleveland": "cle", "durham": "dur"}
    durham = kb.inspection("dur-2023-peel")
    assert durham.force == "durham" and durham.scale == "five-tier" and durham.inspectorate == "HMICFRS"
    assert kb.judgment_at("dur-2023-peel", "investigation").grade == "adequate"
    assert {a for a in (j.area for j in kb.judgments_of("dur-2023-peel"))} <= {a.id for a in kb.areas}

    validate = CliRunner().invoke(cli, ["validate", str(content)])
    assert validate.exit_code == 0 and "not yet reviewed" in validate.output
    strict = CliRunner().invoke(cli, ["validate", "--strict", str(content)])
    assert strict.exit_code == 1


def test_import_refuses_to_overwrite_and_loses_nothing(tmp_path):
    content = _copy(tmp_path)
    assert _import(content, "--force", "durham", "--name", "Durham Constabulary").exit_code == 0
    draft = content / "durham" / "2023-peel.yaml"
    mine = draft.read_text(encoding="utf-8").replace('review: "draft"', 'review: "draft"  # mine')
    draft.write_text(mine, encoding="utf-8")
    kept = draft.read_bytes()
    again = _import(content, "--force", "durham")
    assert again.exit_code == 1 and "already recorded" in again.output
    assert draft.read_bytes() == kept


def test_import_needs_a_valid_force_id_and_clean_content(tmp_path):
    content = _copy(tmp_path)
    bad = _import(content, "--force", "Durham Police")
    assert bad.exit_code == 1 and "is not an id" in bad.output
    (content / "cleveland" / "2014-crime.yaml").write_text("inspection: [\n", encoding="utf-8")
    broken = _import(content, "--force", "durham", "--name", "Durham Constabulary")
    assert broken.exit_code == 1 and "fix them before importing" in broken.output
    assert not (content / "durham").exists()


def test_unreadable_sources_get_a_clear_error(tmp_path):
    content = _copy(tmp_path)
    sources_before = sorted(p.name for p in (content / "sources").glob("*"))
    binary = tmp_path / "scan.bin"
    binary.write_bytes(b"\x00\xff\xfe" * 100)
    broken_pdf = tmp_path / "broken.pdf"
    broken_pdf.write_bytes(b"%PDF-1.7\n this is not really a PDF")
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n", encoding="utf-8")
    runner = CliRunner()
    for source, words in ((binary, "not UTF-8 text"), (broken_pdf, "could not read the PDF"),
                          (empty, "no text could be read"), (tmp_path / "missing.txt", "no such file")):
        result = runner.invoke(cli, ["import", str(source), "--force", "durham", "--name", "Durham",
                                     "--content", str(content)])
        assert result.exit_code == 1 and words in result.output, (source, result.output)
        assert "Traceback" not in result.output
    assert not (content / "durham").exists()
    assert sorted(p.name for p in (content / "sources").glob("*")) == sources_before
