"""Content files written to hurt: alias bombs, fan-out, huge and deep files, links out of the
folder, unreadable files, bad encodings. Each is refused with a located message, within a time
and memory bound measured in a fresh subprocess (generous: the point is that it ends)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import MINI, ROOT

TIME_BOUND = 10.0  # seconds
MEMORY_BOUND = 500  # MB, peak resident size of the whole subprocess

PROBE = textwrap.dedent("""
    import json, resource, sys, time
    from bot.content import loader
    started = time.monotonic()
    kb, problems = loader.check(sys.argv[1])
    secs = time.monotonic() - started
    mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"secs": secs, "mb": mb, "valid": kb is not None,
                      "problems": [dict(file=p.file, line=p.line, column=p.column, path=p.path,
                                        message=p.message, hint=p.hint, warning=p.warning,
                                        text=str(p)) for p in problems]}))
""")


def probe(content: Path) -> dict:
    """Load `content` in a fresh interpreter; its problems, time taken and peak memory."""
    done = subprocess.run([sys.executable, "-c", PROBE, str(content)], capture_output=True,
                          text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    result = json.loads(done.stdout)
    assert result["secs"] < TIME_BOUND, result["secs"]
    assert result["mb"] < MEMORY_BOUND, result["mb"]
    return result


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(MINI, target)
    return target


def first_in(result: dict, name: str) -> dict:
    mine = [p for p in result["problems"] if p["file"].endswith(name)]
    assert mine, result["problems"][:5]
    return mine[0]


def laughs(levels: int, fan: int) -> str:
    """The billion laughs: each level repeats the one before `fan` times."""
    lines = ["a0: &a0 [lol]"]
    for n in range(1, levels):
        lines.append(f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * fan)}]")
    return "\n".join(lines) + "\n"


def test_nested_aliases_used_as_a_key_are_refused_small_and_fast(folder: Path) -> None:
    """The issue's 363-byte file (nested aliases, the last one used as a mapping key) took
    validate to 2.5 GB; now it is refused at the alias that passes the limit."""
    bomb = laughs(9, 9).replace("a8: &a8", "? &a8") + "? *a8\n: x\n"
    bomb = "owners:\n  - id: bomb\n    role: r\n" + textwrap.indent(bomb, "    x_")[4:]
    bomb = "x_" + laughs(9, 9) + "owners:\n  - id: bomb\n    role: r\n    ? *a8\n    : boom\n"
    (folder / "bomb.yaml").write_text(bomb)
    assert len(bomb.encode()) < 600
    result = probe(folder)
    p = first_in(result, "bomb.yaml")
    assert "aliases in this file expand to more than 10,000 values" in p["message"]
    assert "write the values out" in p["hint"]
    assert 2 <= p["line"] <= 9
    assert not result["valid"]


def test_alias_fan_out_is_refused(folder: Path) -> None:
    """1,000 aliases of a 1,000-item list (8 KB; took 1.5 GB and 7 s) and 25 KB of them (a
    SystemError traceback) are refused with a located message."""
    for name, count in (("fan8k.yaml", 1000), ("fan25k.yaml", 3000)):
        big = "big: &big [" + ", ".join(["x"] * 1000) + "]\nuse:\n"
        big += "".join("  - *big\n" for _ in range(count))
        (folder / name).write_text(big)
    result = probe(folder)
    for name in ("fan8k.yaml", "fan25k.yaml"):
        p = first_in(result, name)
        assert "more than 100 aliases" in p["message"] or "expand to more than" in p["message"]
        assert p["line"] >= 3


def test_a_key_that_is_a_mapping_is_refused_without_expanding_it(folder: Path) -> None:
    (folder / "key.yaml").write_text("owners:\n  - id: a\n    role: r\n    ? {x: 1}\n    : y\n")
    p = first_in(probe(folder), "key.yaml")
    assert (p["line"], p["message"]) == (4, "a key must be a plain word, not a list or a mapping.")


def test_a_huge_file_is_refused_by_name(folder: Path) -> None:
    line = "# " + "x" * 98 + "\n"
    (folder / "huge.yaml").write_text(line * 25_000)  # 2.5 MB
    p = first_in(probe(folder), "huge.yaml")
    assert (p["line"], p["column"]) == (1, 1)
    assert "larger than 2 MB" in p["message"] and "Split" in p["hint"]


@pytest.mark.parametrize("deep", ["block", "flow", "flow past libyaml's own limit",
                                  "block, with a star in a value"])
def test_deep_nesting_is_refused_at_its_line(folder: Path, deep: str) -> None:
    """Refused at the collection that is one too deep, whether the file could hold an alias
    (read event by event) or not (read off the composed nodes), and past the 1,000 levels
    libyaml refuses by itself."""
    if deep.startswith("block"):
        text = "".join("  " * n + f"k{n}:\n" for n in range(60)) + "  " * 60 + "v: 1\n"
        if "star" in deep:
            text = "note: '5 * 4'\n" + text
    else:
        levels = 2000 if "past" in deep else 200
        text = "k: " + "[" * levels + "]" * levels + "\n"
    (folder / "deep.yaml").write_text(text)
    p = first_in(probe(folder), "deep.yaml")
    assert p["message"] == "nested more than 40 levels deep."
    assert p["line"] == (41 + ("star" in deep) if deep.startswith("block") else 1)
    if "past" not in deep:  # libyaml says where it stopped, a few levels on
        assert p["column"] == (81 if deep.startswith("block") else 43)
    assert "indentation" in p["hint"]


def test_a_link_to_a_file_outside_the_folder_is_refused_unread(folder: Path,
                                                               tmp_path: Path) -> None:
    """`ln -s /path/to/secret.env content/leak.yaml`: refused by name; the secret appears in no
    message."""
    secret = tmp_path / "secret.env"
    secret.write_text("SLACK_BOT_TOKEN=xoxb-123-secret-token-value\n")
    (folder / "leak.yaml").symlink_to(secret)
    (folder / "leaks").symlink_to(tmp_path, target_is_directory=True)
    result = probe(folder)
    p = first_in(result, "leak.yaml")
    assert "link to a file outside the content folder; refused (not read)" in p["message"]
    assert any("leaks" in q["file"] and "folder outside" in q["message"]
               for q in result["problems"])
    assert "secret-token" not in json.dumps(result)


def test_a_link_inside_the_folder_is_read(folder: Path) -> None:
    """A link that stays inside the content folder is an ordinary file."""
    (folder / "kept").mkdir()
    shutil.move(str(folder / "base.yaml"), folder / "kept" / "base.txt")
    (folder / "base.yaml").symlink_to(folder / "kept" / "base.txt")
    result = probe(folder)
    assert result["valid"], result["problems"][:3]


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="running as root: permissions do not stop root from reading")
def test_unreadable_file_and_folder_are_named(folder: Path) -> None:
    (folder / "locked.yaml").write_text("owners: []\n")
    (folder / "locked.yaml").chmod(0)
    (folder / "shut").mkdir()
    (folder / "shut" / "x.yaml").write_text("owners: []\n")
    (folder / "shut").chmod(0)
    try:
        result = probe(folder)
    finally:
        (folder / "shut").chmod(0o755)
        (folder / "locked.yaml").chmod(0o644)
    assert "permission denied" in first_in(result, "locked.yaml")["message"]
    assert "folder cannot be read" in first_in(result, "shut")["message"]
    assert not result["valid"]


def test_permission_errors_are_reported_not_raised(folder: Path) -> None:
    """Whoever runs the tests: a file the loader cannot open (a folder named *.yaml stands in
    for an unreadable file when running as root) names the file, with no traceback."""
    from bot.content.yamlfile import YamlSyntaxError, read_file

    (folder / "dir.yaml").mkdir()
    with pytest.raises(YamlSyntaxError) as caught:
        read_file(folder / "dir.yaml", "dir.yaml")
    assert caught.value.mark.line == 1 and "cannot be read" in caught.value.message


def test_invalid_utf8_is_located_at_its_line(folder: Path) -> None:
    data = b"owners:\n  - id: a\n    role: ok\n  - id: b\n    role: caf\xe9 latte\n"
    (folder / "latin1.yaml").write_bytes(data)
    p = first_in(probe(folder), "latin1.yaml")
    assert (p["line"], p["column"]) == (5, 14)
    assert "not UTF-8 text (byte 0xE9)" in p["message"] and "UTF-8" in p["hint"]


@pytest.mark.parametrize("char, line", [("\x00", 4), ("\x07", 3), ("\x1b", 5)])
def test_control_characters_are_located_at_their_line(folder: Path, char: str, line: int) -> None:
    rows = ["owners:", "  - id: a", "    role: ok", "  - id: b", "    role: fine", ""]
    rows[line - 1] = rows[line - 1] + char
    (folder / "ctrl.yaml").write_text("\n".join(rows))
    p = first_in(probe(folder), "ctrl.yaml")
    assert p["line"] == line
    assert f"U+{ord(char):04X}" in p["message"] and "Delete it" in p["hint"]


def test_no_message_quotes_more_than_80_characters_of_a_value(folder: Path) -> None:
    long = "SECRET" + "y" * 5000
    (folder / "long.yaml").write_text(
        f"owners:\n  - id: {long}\n    role: r\n  - {long}\n  - id: x\n    role: r\n"
        f"    slack_user: [{long}]\n")
    (folder / "longkey.yaml").write_text(f"owners:\n  - id: z\n    role: r\n    {long[:900]}: 1\n")
    result = probe(folder)
    for p in result["problems"]:
        assert "y" * 81 not in p["text"], p["text"][:300]
    assert any("SECRET" in p["text"] for p in result["problems"])


def test_the_shipped_content_is_well_within_the_limits() -> None:
    """A maintainer never meets the limits: the shipped content loads with no problem."""
    from conftest import CONTENT

    result = probe(CONTENT)
    assert result["valid"] and not [p for p in result["problems"] if not p["warning"]]


def test_the_running_bot_refuses_a_bomb_and_says_where(folder: Path) -> None:
    """A live reload of an alias bomb (which took the bot to 6.8 GB and a MemoryError while
    /healthz saw no problem) is refused: the last good content keeps serving, and the problem,
    with its line, is what maintainers are told."""
    from bot.live import LiveKnowledgeBase

    live = LiveKnowledgeBase(folder)
    told: list[str] = []
    live.on_errors = lambda problems, version: told.extend(str(p) for p in problems)
    before = live.current.version
    (folder / "bomb.yaml").write_text(laughs(9, 9) + "owners:\n  - {id: b, role: r}\n")
    result = live.reload()
    assert result.problems and "bomb.yaml:" in str(result.problems[0])
    assert "expand to more than 10,000 values" in str(result.problems[0])
    assert live.current.version == before
    assert live.refused is not None and live.refused.problems  # what /healthz counts
    assert told and "bomb.yaml" in told[0]
