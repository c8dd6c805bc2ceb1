"""What changed in the knowledge base between two versions, in words a maintainer reads.

`describe_changes` is pure (two knowledge bases in, sentences out): `inspection-bot diff` feeds
it two git revisions of content/, and a bot that reloads content can post the same summary.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.content.kb import KnowledgeBase
from bot.content.model import Deadline

STATUS = {"open": "open", "in_progress": "in progress", "pending_sign_off": "pending sign-off",
          "closed": "closed", "superseded": "superseded"}


def _deadline_words(d: Deadline | None) -> str:
    if d is None:
        return "no deadline"
    return d.date.isoformat() if d.date else f"\u201c{d.phrase}\u201d (no date)"


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def _year(kb: KnowledgeBase, inspection_id: str) -> str:
    insp = kb.index["inspection"].get(inspection_id)
    return insp.year if insp else inspection_id


def describe_changes(old: KnowledgeBase, new: KnowledgeBase) -> list[str]:
    """One sentence per change, in a stable order: inspections, findings, grades, figures."""
    out: list[str] = []
    old_i, new_i = old.index["inspection"], new.index["inspection"]
    for iid in sorted(new_i.keys() - old_i.keys()):
        out.append(f"Inspection added: {iid} ({new_i[iid].title}, {new_i[iid].year}).")
    for iid in sorted(old_i.keys() - new_i.keys()):
        out.append(f"Inspection removed: {iid}.")
    for iid in sorted(old_i.keys() & new_i.keys()):
        a, b = old_i[iid].published, new_i[iid].published
        if a != b:
            out.append(f"{iid}: publication date recorded: {b.isoformat()}." if a is None and b
                       else f"{iid}: publication date changed: "
                            f"{a.isoformat() if a else 'not recorded'} → "
                            f"{b.isoformat() if b else 'not recorded'}.")

    old_f, new_f = old.index["finding"], new.index["finding"]
    for fid in sorted(new_f.keys() - old_f.keys()):
        f = new_f[fid]
        out.append(f"Finding added: {fid} ({f.kind.replace('_', ' ')}, "
                   f"{new.area_name(f.area)}): {_short(f.text)}")
    for fid in sorted(old_f.keys() - new_f.keys()):
        out.append(f"Finding removed: {fid}.")
    for fid in sorted(old_f.keys() & new_f.keys()):
        a, b = old_f[fid], new_f[fid]
        if a.status != b.status:
            out.append(f"{fid}: status {STATUS.get(a.status, a.status)} → "
                       f"{STATUS.get(b.status, b.status)}.")
        old_d, new_d = dict(a.deadlines), dict(b.deadlines)
        for item in sorted(old_d.keys() | new_d.keys()):
            da, db = old_d.get(item), new_d.get(item)
            if (da and da.date, da and da.phrase) != (db and db.date, db and db.phrase):
                out.append(f"{item}: deadline moved: {_deadline_words(da)} → "
                           f"{_deadline_words(db)}.")
        if a.owner != b.owner:
            out.append(f"{fid}: owner {a.owner or 'not recorded'} → {b.owner or 'not recorded'}.")
        if a.text != b.text:
            out.append(f"{fid}: wording changed.")

    old_j = {(j.inspection, j.area): j for j in old.judgments}
    for j in new.judgments:
        was = old_j.get((j.inspection, j.area))
        where = f"{_year(new, j.inspection)} {new.area_name(j.area)}"
        if was is None:
            grade = j.grade or (f"carried forward from {_year(new, j.carried_from)}"
                                if j.carried_from else "ungraded")
            out.append(f"Grade recorded: {where}: {grade}.")
        elif was.grade != j.grade:
            out.append(f"Grade changed: {where}: {was.grade or 'ungraded'} → "
                       f"{j.grade or 'ungraded'}.")
    new_j = {(j.inspection, j.area) for j in new.judgments}
    for key, j in old_j.items():
        if key not in new_j:
            out.append(f"Grade removed: {_year(old, j.inspection)} {old.area_name(j.area)}.")

    old_g, new_g = old.index["figure"], new.index["figure"]
    for gid in sorted(new_g.keys() - old_g.keys()):
        out.append(f"Figure added: {gid} ({new_g[gid].label}: {new_g[gid].value}).")
    for gid in sorted(old_g.keys() - new_g.keys()):
        out.append(f"Figure removed: {gid}.")
    for gid in sorted(old_g.keys() & new_g.keys()):
        a, b = old_g[gid], new_g[gid]
        if a.value != b.value:
            out.append(f"{gid}: value {a.value} → {b.value}.")
        if a.england_and_wales != b.england_and_wales:
            out.append(f"{gid}: England and Wales {a.england_and_wales} → {b.england_and_wales}.")
    return out


# --- reading content/ at a git revision --------------------------------------------------------

class GitError(Exception):
    pass


def _git(repo: Path, *args: str) -> bytes:
    proc = subprocess.run(["git", *args], cwd=repo, capture_output=True, check=False)
    if proc.returncode != 0:
        raise GitError(proc.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed")
    return proc.stdout


@contextmanager
def checkout_content(content_path: Path, rev: str) -> Iterator[Path]:
    """content/ as it was at `rev`, in a temporary folder (the working tree is untouched)."""
    content_path = content_path.resolve()
    top = Path(_git(content_path.parent if not content_path.is_dir() else content_path,
                    "rev-parse", "--show-toplevel").decode().strip())
    prefix = content_path.relative_to(top).as_posix()
    names = _git(top, "ls-tree", "-r", "-z", "--name-only", "--full-tree", rev, "--",
                 prefix).decode().split("\0")
    tmp = Path(tempfile.mkdtemp(prefix="inspection-bot-diff-"))
    try:
        target = tmp / "content"
        target.mkdir()
        for name in filter(None, names):
            dest = target / Path(name).relative_to(prefix)
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(_git(top, "show", f"{rev}:{name}"))
        yield target
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
