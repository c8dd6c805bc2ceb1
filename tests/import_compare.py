"""Comparing an imported draft with the shipped, hand-checked content (tests and the report)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

_CHARS = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2011": "-",
                        "\u2010": "-"})


def words(text: str) -> str:
    return " ".join(re.findall(r"\w+", (text or "").translate(_CHARS).lower()))


def _items(folder: Path, document: str) -> dict[str, list[dict]]:
    """Judgments, findings and figures citing `document`, from every file in `folder`."""
    out: dict[str, list[dict]] = {"judgments": [], "findings": [], "figures": []}
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key in out:
            for item in data.get(key) or []:
                if item["source"]["document"] == document:
                    out[key].append(item)
    return out


@dataclass
class Share:
    found: int = 0
    total: int = 0
    missing: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return self.found / self.total if self.total else 1.0


@dataclass
class Comparison:
    judgments: Share
    findings: Share
    figures: Share
    extra: dict[str, int]


def _judgment_key(j: dict) -> tuple:
    return (j["area"], "carried" if j.get("carried_from") else j.get("grade"))


def _finding_key(f: dict) -> tuple:
    return (f["kind"], f["area"], words(f["text"]), (f.get("deadline") or {}).get("phrase"))


def _figure_match(s: dict, d: dict) -> bool:
    def num(v):
        return None if v is None else round(float(v), 6)
    return (num(s.get("value")) == num(d.get("value")) and s["unit"] == d["unit"]
            and num((s.get("comparators") or {}).get("england_and_wales"))
            == num((d.get("comparators") or {}).get("england_and_wales"))
            and abs(s["source"]["line"] - d["source"]["line"]) <= 10)


def compare(shipped_dir: Path, draft_dir: Path, document: str) -> Comparison:
    shipped, draft = _items(shipped_dir, document), _items(draft_dir, document)
    shares = {}
    extra = {}
    for key, keyf in (("judgments", _judgment_key), ("findings", _finding_key)):
        have = [keyf(d) for d in draft[key]]
        share = Share(total=len(shipped[key]))
        for s in shipped[key]:
            if keyf(s) in have:
                share.found += 1
                have.remove(keyf(s))
            else:
                share.missing.append(repr(keyf(s))[:160])
        shares[key] = share
        extra[key] = len(have)
    figs = list(draft["figures"])
    share = Share(total=len(shipped["figures"]))
    for s in shipped["figures"]:
        hit = next((d for d in figs if _figure_match(s, d)), None)
        if hit:
            share.found += 1
            figs.remove(hit)
        else:
            comparator = (s.get("comparators") or {}).get("england_and_wales")
            share.missing.append(f"{s['id']}: {s.get('value')} {s['unit']} {comparator} "
                                 f"line {s['source']['line']}")
    shares["figures"] = share
    extra["figures"] = len(figs)
    return Comparison(shares["judgments"], shares["findings"], shares["figures"], extra)
