"""A synthetic knowledge base the size of all 43 forces of England and Wales, for benchmarks.

    python bench/synthetic.py OUT_DIR [--forces 43] [--inspections 10] [--findings 60]
                                      [--figures 80] [--seed 1] [--base-date 2026-01-01]

writes a content folder that passes `inspection-bot validate --strict OUT_DIR`: the shipped
areas.yaml, a few owners, and per force a force.yaml plus one file per inspection with its
judgments (one per area judged), findings (causes of concern each answered by a recommendation,
recommendations with parts, areas for improvement; deadlines spread over a year around the base
date, some relative to publication) and figures with England and Wales comparators.

The text is nonsense made of policing words, but of realistic length. The same arguments always
write the same files (random.Random(seed)). `generate(out_dir, ...)` does the same from Python.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import random
import shutil
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Writes like the shipped files: `source: {document: ..., line: ...}`, `topics: [a, b]`."""


class Flow(dict):
    """A mapping written on one line."""


class FlowList(list):
    """A list written on one line."""


_Dumper.add_representer(Flow, lambda d, v: d.represent_mapping(
    "tag:yaml.org,2002:map", v.items(), flow_style=True))
_Dumper.add_representer(FlowList, lambda d, v: d.represent_sequence(
    "tag:yaml.org,2002:seq", v, flow_style=True))

FORCES = [  # the 43 territorial forces of England and Wales: (name, id prefix)
    ("Avon and Somerset", "avs"), ("Bedfordshire", "bed"), ("Cambridgeshire", "cam"),
    ("Cheshire", "che"), ("City of London", "col"), ("Cleveland", "cle"), ("Cumbria", "cum"),
    ("Derbyshire", "der"), ("Devon and Cornwall", "dac"), ("Dorset", "dor"), ("Durham", "dur"),
    ("Dyfed-Powys", "dyp"), ("Essex", "ess"), ("Gloucestershire", "glo"),
    ("Greater Manchester", "gmp"), ("Gwent", "gwe"), ("Hampshire", "ham"),
    ("Hertfordshire", "her"), ("Humberside", "hum"), ("Kent", "ken"), ("Lancashire", "lan"),
    ("Leicestershire", "lei"), ("Lincolnshire", "lin"), ("Merseyside", "mer"),
    ("Metropolitan", "met"), ("Norfolk", "nor"), ("North Wales", "nwa"),
    ("North Yorkshire", "nyo"), ("Northamptonshire", "nha"), ("Northumbria", "nbr"),
    ("Nottinghamshire", "nts"), ("South Wales", "swa"), ("South Yorkshire", "syo"),
    ("Staffordshire", "sta"), ("Suffolk", "suf"), ("Surrey", "sur"), ("Sussex", "sus"),
    ("Thames Valley", "tva"), ("Warwickshire", "war"), ("West Mercia", "wme"),
    ("West Midlands", "wmi"), ("West Yorkshire", "wyo"), ("Wiltshire", "wil"),
]

OWNERS = [
    ("head-of-public-protection", "Head of Public Protection"),
    ("head-of-crime", "Head of Crime"),
    ("head-of-neighbourhoods", "Head of Neighbourhood Policing"),
    ("head-of-contact", "Head of Contact Management"),
    ("head-of-professional-standards", "Head of Professional Standards"),
    ("head-of-people", "Director of People"),
    ("head-of-finance", "Director of Finance"),
    ("crime-registrar", "Force Crime Registrar"),
]

PROGRAMMES = ["PEEL effectiveness", "Crime inspection", "PEEL efficiency", "PEEL legitimacy",
              "Crime data integrity", "Vulnerability inspection", "PEEL assessment",
              "Custody inspection", "Child protection inspection", "Joint targeted inspection"]

WORD_LIST = """
safeguarding hub multiagency referral referrals victim victims offender offenders suspect
suspects investigation investigations investigate investigating crime crimes recorded recording
record records data integrity quality assurance audit audits review reviews supervision
supervisor supervisors officer officers staff workforce training wellbeing capacity capability
demand demands call calls handling control room response responses attendance deployment
neighbourhood neighbourhoods community communities engagement partnership partners partner local
authority authorities council health education probation prosecution charge charges outcome
outcomes evidence evidential difficulty difficulties risk risks assessment assessments dash
domestic abuse stalking harassment rape sexual offences exploitation child children missing
absent vulnerable vulnerability adult adults mental ill custody detention arrest arrests bail
release conditions management managing integrated serious organised group groups gangs county
lines drugs firearms armed specialist capabilities threat threats harm reduce reduction
reducing prevent prevention preventing problem solving antisocial behaviour nuisance repeat
caller callers incident incidents log logs system systems technology digital forensics
devices backlog backlogs delay delays timeliness timely effective effectively efficient
efficiency value money budget finance planning plan plans strategy strategic governance
oversight leadership leaders culture fairness respect legitimacy stop search use force
complaints professional standards vetting corruption counter integrity ethics diversity
inclusion recruitment retention apprentices probationers detectives detective constable
sergeant inspector chief superintendent performance framework meeting meetings board boards
analysis analyst analysts intelligence understanding improve improvement improvements ensure
consistent consistently appropriate appropriately timely accurate accurately compliance
compliant national guidance policy policies procedure procedures practice practices learning
lessons evaluation evaluate monitoring monitor progress action actions develop developing
across area areas district districts team teams unit units local regional resources
resourcing allocation allocate allocated prioritise priority priorities public confidence
satisfaction service services needs support supported supporting information sharing shared
order orders protection notice notices marac mappa registered sex offender offenders
"""
WORDS = WORD_LIST.split()

GRADE_WORDS = {"outstanding": "outstanding at", "good": "good at", "adequate": "adequate at",
               "requires improvement": "requires improvement at", "inadequate": "inadequate at"}
SCALES = {"four-tier": ["outstanding", "good", "requires improvement", "inadequate"],
          "five-tier": ["outstanding", "good", "adequate", "requires improvement", "inadequate"]}
UNITS = ["percent", "percent", "percent", "count", "count", "per_1000_population",
         "percentage_points", "days", "hours", "minutes", "ratio", "pounds", "other"]
RELATIVE = [("0 days", "immediately"), ("0 days", "take immediate steps"),
            ("3 months", "Within three months"), ("6 months", "within six months"),
            ("12 months", "within 12 months")]
STATUSES = ["open"] * 14 + ["in_progress"] * 3 + ["pending_sign_off", "closed", "closed",
                                                 "superseded"]


class Gen:
    """One generation run: the random source and the base date, with text helpers."""

    def __init__(self, seed: int, base: dt.date):
        self.rng = random.Random(seed)
        self.base = base

    def words(self, lo: int, hi: int) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(self.rng.randint(lo, hi)))

    def sentence(self, lo: int = 20, hi: int = 40, lead: str = "") -> str:
        text = (lead + " " if lead else "") + self.words(lo, hi)
        return text[0].upper() + text[1:] + "."

    def hexid(self) -> str:
        return f"{self.rng.getrandbits(64):016x}"

    def date_around_base(self, days: int = 182) -> dt.date:
        return self.base + dt.timedelta(days=self.rng.randint(-days, days))

    def src(self, doc: str) -> dict[str, Any]:
        return Flow(document=doc, line=self.rng.randint(1, 3000))


def _iso(d: dt.date) -> str:
    return d.isoformat()


def _add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _forces(n: int) -> list[tuple[str, str, str]]:
    """(id, name, prefix) for n forces: the real 43 first, then made-up ones."""
    out = []
    for i in range(n):
        if i < len(FORCES):
            name, prefix = FORCES[i]
        else:
            k = i - len(FORCES)
            name = f"Synthetic {k + 1}"
            prefix = "x" + chr(97 + k // 26 % 26) + chr(97 + k % 26) + ("" if k < 676 else "z")
        fid = name.lower().replace(" ", "-")
        out.append((fid, name if i >= len(FORCES) else f"{name} Police", prefix))
    return out


def _deadline(g: Gen, published: dt.date | None, allow_relative: bool) -> dict[str, Any]:
    """A deadline near the base date: a named day, a named month, or relative to publication
    when publication plus the period lands near the base date (or publication is unknown)."""
    rng = g.rng
    if allow_relative and rng.random() < 0.35:
        choices = RELATIVE
        if published is not None:
            choices = [c for c in RELATIVE
                       if abs((_add_months(published, int(c[0].split()[0]) if "month" in c[0]
                                           else 0) - g.base).days) <= 200]
        if choices:
            period, phrase = rng.choice(choices)
            return {"phrase": phrase, "after_publication": period}
    d = g.date_around_base()
    if rng.random() < 0.2:
        end = dt.date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])
        return {"phrase": f"By {calendar.month_name[d.month]} {d.year}", "date": _iso(end),
                "precision": "month"}
    return {"phrase": f"by {d.day} {calendar.month_name[d.month]} {d.year}", "date": _iso(d)}


def _history(g: Gen, status: str, doc: str) -> list[dict[str, Any]]:
    if status == "open":
        return []
    steps = ["in_progress", status] if status != "in_progress" and g.rng.random() < 0.5 else [status]
    start = g.base - dt.timedelta(days=g.rng.randint(60, 700))
    out = []
    for k, st in enumerate(steps):
        date = start + dt.timedelta(days=30 * k + g.rng.randint(0, 29))
        evidence = ({"document": doc, "line": g.rng.randint(1, 3000), "quote": g.sentence(12, 25)}
                    if g.rng.random() < 0.5 else
                    {"url": f"https://example.org/updates/{g.hexid()}", "note": g.sentence(6, 12)})
        out.append({"date": _iso(date), "status": st, "note": g.sentence(10, 20),
                    "evidence": evidence})
    return out


def _finding(g: Gen, fid: str, kind: str, area: str, doc: str, published: dt.date | None,
             recent: bool, earlier: list[str]) -> dict[str, Any]:
    rng = g.rng
    f: dict[str, Any] = {"id": fid, "kind": kind, "area": area}
    if kind == "recommendation" and rng.random() < 0.4:
        f["text"] = g.sentence(15, 25, "It is recommended that the force should")[:-1] + ":"
        parts = []
        for k in range(rng.randint(2, 4)):
            part: dict[str, Any] = {"id": f"{fid}{chr(97 + k)}", "text": g.sentence(20, 40)}
            if rng.random() < 0.3:
                part["deadline"] = _deadline(g, published, recent)
            part["source"] = g.src(doc)
            parts.append(part)
        f["parts"] = parts
    else:
        f["text"] = g.sentence(20, 40, "The force should")
    f["source"] = g.src(doc)
    if rng.random() < 0.25:
        f["also_in"] = [g.src(doc)]
    if kind == "recommendation" or (kind == "area_for_improvement" and rng.random() < 0.15):
        f["deadline"] = _deadline(g, published, recent)
    if rng.random() < 0.05:
        f["target"] = {"date": _iso(g.date_around_base()), "note": g.sentence(6, 12)}
    if rng.random() < 0.4:
        f["owner"] = rng.choice(OWNERS)[0]
    status = rng.choice(STATUSES)
    if status != "open" or rng.random() < 0.3:
        f["status"] = status
    history = _history(g, status, doc)
    if history:
        f["history"] = history
    if earlier and rng.random() < 0.08:
        f["links"] = {rng.choice(["follows_up", "repeats", "supersedes"]): [rng.choice(earlier)]}
    if rng.random() < 0.3:
        f["note"] = g.sentence(10, 30)
    return f


_DANGLING = {"of", "by", "to", "than", "in", "that", "made", "was", "were", "and", "or", "the",
             "a", "an", "with", "for", "at", "is", "are", "been"}


def _label(printed: str) -> str:
    """A noun-phrase label from the printed words, as validate wants one: capital first, no
    dangling last word."""
    words = printed.split()[:6]
    while len(words) > 1 and words[-1].lower() in _DANGLING:
        words.pop()
    return " ".join(words)[:1].upper() + " ".join(words)[1:]


def _figure(g: Gen, fid: str, area: dict[str, Any], doc: str, year: int) -> dict[str, Any]:
    rng = g.rng
    unit = rng.choice(UNITS)
    value: float | int | None = (rng.randint(1, 20000) if unit in ("count", "pounds")
                                 else round(rng.uniform(0, 100), 1))
    printed = g.words(5, 15)
    fig: dict[str, Any] = {"id": fid, "label": _label(printed), "printed": printed}
    legible = rng.random() > 0.02
    fig["value"] = value if legible else None
    if not legible:
        fig["legible"] = False
    fig["unit"] = unit
    if unit == "other":
        fig["unit_label"] = g.words(2, 5)
    fig["period"] = (f"12 months to 31 March {year}" if rng.random() < 0.8 else None)
    fig["area"] = area["id"]
    keywords = list(area.get("keywords") or [])
    fig["topics"] = FlowList(sorted({*rng.sample(keywords, min(len(keywords), 2)),
                            *(rng.choice(WORDS) for _ in range(rng.randint(1, 3)))}))
    if rng.random() < 0.7 and isinstance(value, float):
        fig["comparators"] = Flow(england_and_wales=round(value * rng.uniform(0.6, 1.4), 1))
    if rng.random() < 0.1 and isinstance(value, float):
        fig["confidence_interval"] = Flow(low=round(value - 2.0, 1), high=round(value + 2.0, 1))
    fig["source"] = g.src(doc)
    if rng.random() < 0.3:
        fig["note"] = g.sentence(10, 30)
    return fig


def _dump(path: Path, data: dict[str, Any], schema: str) -> None:
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10_000,
                     default_flow_style=False)
    path.write_text(f"# yaml-language-server: $schema={schema}\n{text}", encoding="utf-8")


def _judgments(g: Gen, name: str, iid: str, scale: str, areas: list[dict[str, Any]],
               judged: dict[str, str], report: str) -> list[dict[str, Any]]:
    """One judgment per area judged; some ungraded, some carried from an earlier inspection."""
    rng = g.rng
    out = []
    for area in rng.sample(areas, rng.randint(5, min(9, len(areas)))):
        j: dict[str, Any] = {"area": area["id"],
                             "question": rng.choice(area.get("aliases") or [area["name"]])}
        roll = rng.random()
        if roll < 0.1 and area["id"] in judged:
            j["carried_from"] = judged[area["id"]]
            j["quote"] = ("This question was not inspected this year. The grade and findings "
                          "from last year's inspection still stand.")
        elif roll < 0.18:
            j["grade"] = None
            j["quote"] = "Ungraded"
        else:
            grade = rng.choice(SCALES[scale])
            j["grade"] = grade
            j["quote"] = f"{name} is {GRADE_WORDS[grade]} {area['name'].lower()}."
            judged[area["id"]] = iid
        j["source"] = g.src(report)
        if rng.random() < 0.3:
            j["note"] = g.sentence(10, 30)
        out.append(j)
    return out


def _findings(g: Gen, stem: str, count: int, areas: list[dict[str, Any]], report: str,
              published: dt.date | None, recent: bool, earlier: list[str]) -> list[dict[str, Any]]:
    """Causes of concern each with a recommendation (`cause:`), then recommendations and areas
    for improvement; ids `<stem>-coc-01`, `<stem>-rec-01`, `<stem>-afi-01`."""
    rng = g.rng
    numbers = {"coc": 0, "rec": 0, "afi": 0}
    n_coc = max(1, count // 20) if count >= 2 else 0
    items: list[dict[str, Any]] = []

    def make(abbr: str, kind: str, area: str) -> dict[str, Any]:
        numbers[abbr] += 1
        return _finding(g, f"{stem}-{abbr}-{numbers[abbr]:02d}", kind, area, report, published,
                        recent, earlier)

    while len(items) < count:
        area = rng.choice(areas)["id"]
        if numbers["coc"] < n_coc and len(items) + 2 <= count:
            coc = make("coc", "cause_of_concern", area)
            rec = make("rec", "recommendation", area)
            rec = {**{k: rec[k] for k in ("id", "kind", "area")}, "cause": coc["id"],
                   **{k: v for k, v in rec.items() if k not in ("id", "kind", "area")}}
            items += [coc, rec]
        elif rng.random() < 0.1:
            items.append(make("rec", "recommendation", area))
        else:
            items.append(make("afi", "area_for_improvement", area))
    return items


def _force(g: Gen, out: Path, force: tuple[str, str, str], areas: list[dict[str, Any]],
           inspections: int, findings: int, figures: int, counts: dict[str, int]) -> None:
    """A force's folder: force.yaml and one file per inspection, the latest last year."""
    rng, base = g.rng, g.base
    fid, name, prefix = force
    folder = out / fid
    folder.mkdir(exist_ok=True)
    span = max(12, inspections + 2)
    years = sorted(rng.sample(range(base.year - span, base.year - 1), max(inspections - 1, 0)))
    years += [base.year - 1] if inspections else []
    documents: list[dict[str, Any]] = []
    judged: dict[str, str] = {}  # area -> latest inspection of this force grading it
    earlier: list[str] = []  # finding ids of earlier inspections, for links
    for n, year in enumerate(years):
        report = f"{prefix}{2 * n:03d}_{g.hexid()}.txt"
        response = f"{prefix}{2 * n + 1:03d}_{g.hexid()}.txt"
        scale = "five-tier" if year >= 2021 else "four-tier"
        label = f"{year}/{(year + 1) % 100:02d}" if year >= 2021 else str(year)
        programme = PROGRAMMES[n] if n < len(PROGRAMMES) else rng.choice(PROGRAMMES)
        slug = programme.lower().replace(" ", "-")
        iid = f"{prefix}-{year}-{slug}"
        published: dt.date | None = min(
            dt.date(year + 1, 1, 1) + dt.timedelta(days=rng.randint(30, 300)),
            base - dt.timedelta(days=rng.randint(20, 90)))
        if rng.random() < 0.1:
            published = None
        recent = published is None or (base - published).days < 500
        stated = {"published_source": Flow(document=report, line=2)} if published else {}
        documents += [{"id": report, "title": f"{programme} {label}: {name}", "kind": "report",
                       "published": _iso(published) if published else None, **stated},
                      {"id": response, "title": f"Response to {programme} {label}",
                       "kind": "response", "published": None}]
        insp: dict[str, Any] = {
            "id": iid, "force": fid, "title": f"{programme} {label}: An inspection of {name}",
            "inspectorate": "HMIC" if year < 2017 else "HMICFRS", "programme": programme,
            "year": label, "published": _iso(published) if published else None, **stated,
            "scale": scale, "sources": FlowList([report, response])}
        judgments = _judgments(g, name, iid, scale, areas, judged, report)
        items = _findings(g, f"{prefix}-{year}", findings, areas, report, published, recent,
                          earlier)
        figs = [_figure(g, f"{prefix}-{year}-fig-{k + 1:03d}", rng.choice(areas), report, year)
                for k in range(figures)]
        data: dict[str, Any] = {"inspection": insp, "judgments": judgments, "findings": items,
                                "figures": figs}
        if rng.random() < 0.3:
            data["responses"] = [{
                "id": f"{iid}-response", "inspection": iid, "by": "chief_constable",
                "name": f"Chief Constable {rng.choice('ABCD')}. Smith",
                "said": " ".join(g.sentence() for _ in range(3)), "governance": g.sentence(),
                "source": g.src(response), "governance_source": g.src(response)}]
        _dump(folder / f"{year}-{slug}.yaml", data, "../schema.json")
        earlier += [f["id"] for f in items]
        for key, value in (("inspections", 1), ("judgments", len(judgments)),
                           ("findings", len(items)), ("figures", len(figs))):
            counts[key] += value
    _dump(folder / "force.yaml", {"forces": [{"id": fid, "name": name, "prefix": prefix}],
                                  "documents": documents}, "../schema.json")
    counts["forces"] += 1


SOURCE_LINES = 3000  # cited lines are drawn from 1 to 3000


def generate(out_dir: Path | str, forces: int = 43, inspections: int = 10, findings: int = 60,
             figures: int = 80, seed: int = 1, base_date: dt.date = dt.date(2026, 1, 1),
             content: Path | str = CONTENT, texts: bool = True) -> dict[str, int]:
    """Write the synthetic content folder; return counts of what was written. `content` is
    where areas.yaml (and schema.json) are copied from."""
    out, content = Path(out_dir), Path(content)
    out.mkdir(parents=True, exist_ok=True)
    g = Gen(seed, base_date)
    shutil.copyfile(content / "areas.yaml", out / "areas.yaml")
    if (content / "schema.json").exists():
        shutil.copyfile(content / "schema.json", out / "schema.json")
    areas = yaml.safe_load((content / "areas.yaml").read_text(encoding="utf-8"))["areas"]
    _dump(out / "owners.yaml", {"owners": [
        {"id": oid, "role": role, "slack_user": f"U{k:08d}", "slack_usergroup": None}
        for k, (oid, role) in enumerate(OWNERS)]}, "./schema.json")
    counts = {"forces": 0, "inspections": 0, "judgments": 0, "findings": 0, "figures": 0}
    for force in _forces(forces):
        _force(g, out, force, areas, inspections, findings, figures, counts)
    if texts:
        counts["sources"] = _sources(g, out)
    return counts


def _sources(g: Gen, out: Path, lines: int = SOURCE_LINES) -> int:
    """content/sources/<document>.txt for every document: prose of the shipped texts' length
    (3,000 lines, about 60 kB each; the shipped five average 62 kB), laid out as the 2021/22
    extraction is (a short line of text, a blank line), so every cited line exists and the
    passage index has a realistic amount to do."""
    folder = out / "sources"
    folder.mkdir(exist_ok=True)
    n = 0
    for path in sorted(out.rglob("force.yaml")):
        for doc in yaml.safe_load(path.read_text(encoding="utf-8")).get("documents") or []:
            words: list[str] = []
            rows: list[str] = []
            while len(rows) < lines:
                words.extend(g.sentence(8, 30).split())
                while len(words) > 5:
                    rows += [" ".join(words[:5]), ""]
                    words = words[5:]
            (folder / doc["id"]).write_text("\n".join(rows[:lines]) + "\n", encoding="utf-8")
            n += 1
    return n


def add_size_arguments(ap: argparse.ArgumentParser) -> None:
    """The knowledge-base size options, shared with the benchmarks that generate one."""
    ap.add_argument("--forces", type=int, default=43)
    ap.add_argument("--inspections", type=int, default=10)
    ap.add_argument("--findings", type=int, default=60)
    ap.add_argument("--figures", type=int, default=80)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--base-date", type=dt.date.fromisoformat, default=dt.date(2026, 1, 1))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir", type=Path)
    add_size_arguments(ap)
    a = ap.parse_args(argv)
    counts = generate(a.out_dir, forces=a.forces, inspections=a.inspections, findings=a.findings,
                      figures=a.figures, seed=a.seed, base_date=a.base_date)
    print(f"Wrote {a.out_dir}: " + ", ".join(f"{v} {k}" for k, v in counts.items()),
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
