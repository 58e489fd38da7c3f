"""A synthetic target register for benchmarks: N targets with Q quarters of progress each.

Pure and seeded: the same (n, quarters, seed) always gives byte-identical files, and
target ``i`` depends only on (seed, i, quarters), so the first 1,000 targets of a
10,000-target register are the 1,000-target register. Every file is valid per
REGISTER.md as of ``REPORTING_QUARTER``, and the statuses are spread on purpose (each
target is constructed to land in the status drawn for it).
"""

from __future__ import annotations

import datetime
import random
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

REPORTING_QUARTER = "2026-Q3"
MIN_QUARTERS = 4  # fewer leaves no room for "achieved late" before R

# (status, weight): roughly the mix of a real register a few years into a term.
STATUS_WEIGHTS = (
    ("achieved", 20),
    ("achieved_late", 10),
    ("on_track", 30),
    ("at_risk", 15),
    ("missed", 17),
    ("withdrawn", 8),
)
KIND_WEIGHTS = (("increase", 50), ("decrease", 20), ("milestone", 30))

# (bureau, policy area, accountable post)
BUREAUS = (
    ("Housing Bureau", "Housing", "Secretary for Housing"),
    ("Development Bureau", "Land and development", "Secretary for Development"),
    ("Transport Bureau", "Transport", "Secretary for Transport"),
    ("Environment Bureau", "Environment and climate", "Secretary for Environment"),
    ("Health Bureau", "Health", "Secretary for Health"),
    ("Education Bureau", "Education", "Secretary for Education"),
    ("Labour and Welfare Bureau", "Welfare", "Secretary for Labour and Welfare"),
    ("Digital Policy Office", "Digital government", "Commissioner for Digital Policy"),
    ("Security Bureau", "Public safety", "Secretary for Security"),
    ("Home Affairs Bureau", "Community", "Secretary for Home Affairs"),
    ("Culture, Sports and Tourism Bureau", "Culture and sport", "Secretary for Culture"),
    ("Financial Services Bureau", "Finance", "Secretary for Financial Services"),
    ("Commerce and Economic Development Bureau", "Economy", "Secretary for Commerce"),
    ("Innovation and Technology Bureau", "Innovation", "Secretary for Innovation"),
    ("Civil Service Bureau", "Public service", "Secretary for the Civil Service"),
    ("Constitutional Affairs Bureau", "Governance", "Secretary for Constitutional Affairs"),
)

# (unit, what is counted, baseline range, change range, decimals)
INCREASES = (
    ("flats", "the number of new public rental flats completed", (0, 5000), (4000, 30000), 0),
    ("places", "the number of subsidised childcare places", (8000, 20000), (1500, 6000), 0),
    ("km", "the length of cycle track open to the public", (0, 40), (25, 80), 1),
    ("stations", "the number of community recycling stations", (20, 80), (100, 300), 0),
    ("schools", "the number of schools on high-speed fibre", (100, 300), (150, 500), 0),
    ("beds", "the number of public hospital beds in service", (0, 500), (1000, 4000), 0),
    ("%", "the share of households using e-government services", (20, 50), (15, 40), 1),
    ("services", "the number of services that can be completed online", (200, 600), (200, 800), 0),
    (
        "charging points",
        "the number of public electric-vehicle charging points",
        (1000, 4000),
        (3000, 9000),
        0,
    ),
    (
        "trees",
        "the number of roadside trees planted under the greening plan",
        (0, 2000),
        (5000, 20000),
        0,
    ),
)
DECREASES = (
    ("days", "the average time to approve building plans", (80, 120), (20, 50), 1),
    ("years", "the average waiting time for public rental housing", (5, 7), (2, 3), 1),
    (
        "tonnes per day",
        "the municipal solid waste sent to landfill",
        (9000, 12000),
        (2000, 3500),
        0,
    ),
    ("minutes", "the average emergency ambulance response time", (12, 15), (3, 4), 1),
    ("cases", "the backlog of pending licence applications", (5000, 20000), (3000, 5000), 0),
    ("%", "the share of trips made by private car", (25, 35), (5, 10), 1),
)
MILESTONES = (
    "Complete the detailed design of the northern metropolis rail link",
    "Launch a single digital identity for all government online services",
    "Enact legislation to regulate subdivided flats and set minimum standards",
    "Open the new integrated cancer centre at the eastern hospital cluster",
    "Publish a territory-wide strategy for climate adaptation and resilience",
    "Commission the second desalination plant in the western district",
    "Set up a one-stop licensing portal for small and medium enterprises",
    "Roll out electronic health records sharing to all private clinics",
    "Complete the review of the minimum wage and table the revised rate",
    "Open the harbourfront promenade between the two ferry piers",
    "Introduce a district-based scheme for the care of elderly people at home",
    "Replace the legacy tax system with a cloud-hosted case platform",
)
VERBS = {"increase": ("Increase", "Raise", "Expand"), "decrease": ("Cut", "Reduce", "Lower")}
QUALIFIERS = (
    " across all eighteen districts",
    " under the ten-year development plan",
    " with priority for the New Territories",
    ", in partnership with the non-governmental sector",
    " while keeping running costs within the approved budget",
    " as set out in the policy address",
    " with quarterly reporting to the legislature",
)
SENTENCES = (
    "This target is part of the {area} programme announced in the {year} policy address.",
    "The {bureau} leads the work and reports progress to the relevant panel each quarter.",
    "Delivery depends on **timely land disposal** and on the capacity of the construction "
    "industry over the next three years.",
    "Funding of about {money} million dollars was approved by the Finance Committee.",
    "The figures are taken from administrative records and are published on the "
    "[open data portal](https://data.example.gov/{slug}).",
    "A public consultation in {year} drew more than {count} written submissions, most of "
    "which supported the proposal.",
    "Progress is measured against the baseline recorded at the start of the programme.",
    "The work is phased so that the districts with the greatest need are served first.",
    "An independent review will report on value for money once the target is due.",
    "Staff from several departments have been redeployed to a dedicated delivery team.",
)
NOTES = (
    "Two further sites were handed over by the Lands Department this quarter.",
    "Works were slowed by **heavy rain** in the summer months.",
    "Figures for this quarter are provisional and will be confirmed by the audit.",
    "A new contract was awarded after an open tender.",
    "The pilot in two districts was extended to a third.",
    "Recruitment of frontline staff remained difficult; twelve posts are still vacant.",
    "See the [quarterly progress report](https://www.example.gov/reports/progress).",
    "The figure was revised after a data-cleaning exercise found duplicate records.",
    "Consultation with the district councils was completed ahead of schedule.",
    "Supply-chain delays held back the delivery of equipment.",
)
REASONS = (
    "Site formation took longer than planned because ground conditions were **worse than "
    "surveyed**.",
    "The enabling legislation was passed two quarters later than expected.",
    "Tender prices came in well above the estimate and the contract had to be re-tendered.",
    "Demand grew faster than forecast, so the same output covered a smaller share of need.",
    "Key staff were redeployed to the pandemic response for most of a year.",
)
MEASURES = (
    "A second contractor starts work next quarter.",
    "Monthly progress reports go to the legislative panel.",
    "Two sites are brought forward from the next phase.",
    "An inter-departmental task force meets every fortnight.",
    "The approval process is shortened by running checks in parallel.",
    "Additional funding has been sought in the next budget.",
)
WITHDRAWALS = (
    "The target was **merged into a larger programme** that covers the same ground.",
    "A public consultation favoured a different approach, and the funds were returned.",
    "Changes in technology made the original plan obsolete.",
)
ZH_CHUNKS = (
    "增加", "公營房屋", "供應", "全港十八區", "社區設施", "推行", "數碼政府服務",
    "縮短", "輪候時間", "加強", "基層醫療", "綠色運輸", "減少", "堆填區廢物",
    "完成", "詳細設計", "立法程序", "提升", "服務質素",
)  # fmt: skip
VERIFIERS = ("Audit Commission", "Census and Statistics Department")


@dataclass(frozen=True)
class SyntheticTarget:
    """One generated target: its YAML document, its folder and the status it was built for."""

    doc: dict
    folder: str
    status: str

    @property
    def id(self) -> str:
        return self.doc["id"]


# --- Quarters as integers (year * 4 + quarter - 1), so arithmetic is plain subtraction -----


def _q(index: int) -> str:
    return f"{index // 4}-Q{index % 4 + 1}"


def _q_index(text: str) -> int:
    year, quarter = text.split("-Q")
    return int(year) * 4 + int(quarter) - 1


R = _q_index(REPORTING_QUARTER)


def slug(text: str) -> str:
    """A folder name for a bureau: ``Housing Bureau`` -> ``housing-bureau``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# --- The register -----------------------------------------------------------------------------


def make_register(n: int, quarters: int = 12, seed: int = 0) -> list[SyntheticTarget]:
    """``n`` targets, each with up to ``quarters`` progress entries ending at R."""
    if quarters < MIN_QUARTERS:
        raise ValueError(f"quarters must be at least {MIN_QUARTERS}")
    # ~60 targets a bureau, between 8 and 16 bureau folders.
    bureaus = BUREAUS[: max(8, min(len(BUREAUS), n // 60))]
    return [make_target(i, quarters, seed, bureaus) for i in range(n)]


def make_target(i: int, quarters: int, seed: int, bureaus=BUREAUS) -> SyntheticTarget:
    """Target number ``i``: drawn from its own seeded generator, independent of ``n``."""
    rng = random.Random(f"{seed}:{i}:{quarters}")
    status = _weighted(rng, STATUS_WEIGHTS)
    kind = _weighted(rng, KIND_WEIGHTS)
    bureau, area, responsible = bureaus[i % len(bureaus)]
    start = R - quarters + 1
    plan = _plan(rng, status, start, quarters)
    measure = _measure(rng, kind)
    doc = {
        "id": f"SY{(start - 1) // 4}-{i + 1:05d}",
        "title": _title(rng, kind, measure, plan["due"]),
        "policy_address": (start - 1) // 4,  # announced the quarter before work starts
        "bureau": bureau,
    }
    partners = sorted({b[0] for b in rng.sample(bureaus, 2)} - {bureau})
    if partners and rng.random() < 0.3:
        doc["partners"] = partners
    doc["area"] = area
    doc["description"] = _description(rng, bureau, area, doc["policy_address"])
    doc["start"] = _q(start)
    doc["due"] = _q(plan["due"])
    if measure is not None:
        doc["indicator"] = _indicator(measure, kind)
    doc["progress"] = _progress(rng, plan, measure, slug(bureau), doc["id"])
    _add_endings(rng, doc, plan, status, responsible)
    if rng.random() < 0.2:  # some targets are published in both languages
        doc["title"] = {"en": doc["title"], "zh-Hant": _zh(rng, 12, 30)}
        doc["description"] = {"en": doc["description"], "zh-Hant": _zh(rng, 40, 90)}
    return SyntheticTarget(doc, slug(bureau), status)


def _weighted(rng: random.Random, pairs) -> str:
    names, weights = zip(*pairs, strict=True)
    return rng.choices(names, weights)[0]


def _plan(rng: random.Random, status: str, start: int, quarters: int) -> dict:
    """Due quarter, reporting quarters and the progress fraction at each, for ``status``."""
    last = R - (1 if status in ("on_track", "at_risk", "missed") and rng.random() < 0.1 else 0)
    plan = {"due": R + rng.randint(1, 8), "reached": None, "withdrawn": None}
    if status == "achieved":
        plan["due"] = start + rng.randint(quarters // 2, quarters + 3)
        plan["reached"] = rng.randint(start + quarters // 2, min(plan["due"], R))
    elif status == "achieved_late":
        plan["due"] = start + rng.randint(quarters // 3, quarters - 3)
        plan["reached"] = rng.randint(plan["due"] + 1, R)
    elif status == "missed":
        plan["due"] = start + rng.randint(quarters // 2, quarters - 1)
    elif status == "withdrawn":
        last = plan["withdrawn"] = R - rng.randint(0, quarters // 3)
    plan["quarters"] = list(range(start, last + 1))
    plan["fractions"] = _fractions(rng, status, plan, start)
    return plan


def _fractions(rng: random.Random, status: str, plan: dict, start: int) -> list[float]:
    """A rising path to the fraction each status needs at its last report."""
    quarters, due = plan["quarters"], plan["due"]
    expected = (R - start) / (due - start) if due > start else 1.0
    end = {
        "missed": rng.uniform(0.4, 0.9),
        "at_risk": max(0.0, min(expected, 1.0) - rng.uniform(0.3, 0.5)),
        "on_track": max(0.0, min(0.95, expected + rng.uniform(-0.1, 0.1))),
        "withdrawn": rng.uniform(0.1, 0.7),
    }.get(status)
    if plan["reached"] is not None:  # a straight climb to 100% at the quarter it is reached
        span = plan["reached"] - start + 1
        return [min(1.0, (q - start + 1) / span) for q in quarters]
    return [end * (k + 1) / len(quarters) for k in range(len(quarters))]


def _measure(rng: random.Random, kind: str) -> dict | None:
    if kind == "milestone":
        return None
    unit, noun, (low, high), (c_low, c_high), decimals = rng.choice(
        INCREASES if kind == "increase" else DECREASES
    )
    baseline = round(rng.uniform(low, high), decimals)
    change = round(rng.uniform(c_low, c_high), decimals)
    target = round(baseline + change if kind == "increase" else baseline - change, decimals)
    return {"unit": unit, "noun": noun, "baseline": baseline, "target": target, "dp": decimals}


def _number(value: float, decimals: int) -> int | float:
    return int(value) if decimals == 0 else round(float(value), decimals)


def _indicator(measure: dict, kind: str) -> dict:
    indicator = {
        "unit": measure["unit"],
        "baseline": _number(measure["baseline"], measure["dp"]),
        "target": _number(measure["target"], measure["dp"]),
    }
    if kind == "decrease":
        indicator["direction"] = "decrease"
    return indicator


# --- Text: lengths like the real register's --------------------------------------------------


def _fmt(value: float, decimals: int) -> str:
    return f"{value:,.{decimals}f}"


def _title(rng: random.Random, kind: str, measure: dict | None, due: int) -> str:
    """One line of 60 to 120 characters."""
    if measure is None:
        title = rng.choice(MILESTONES)
    else:
        verb = rng.choice(VERBS[kind])
        unit = measure["unit"]
        figure = _fmt(measure["target"], measure["dp"]) + (unit if unit == "%" else f" {unit}")
        title = f"{verb} {measure['noun']} to {figure}"
    title += f" by {due // 4}"
    for qualifier in rng.sample(QUALIFIERS, len(QUALIFIERS)):
        if len(title) >= 60 and rng.random() < 0.5:
            break
        if len(title) + len(qualifier) <= 120:
            title += qualifier
    return title


def _fill(rng: random.Random, template: str, **known) -> str:
    values = {
        "money": rng.randint(80, 9000),
        "count": rng.randint(300, 20000),
        "year": known.get("year", 2023),
        **known,
    }
    return template.format(**values)


def _description(rng: random.Random, bureau: str, area: str, year: int) -> str:
    """Markdown of two to four sentences."""
    known = {"bureau": bureau, "area": area.lower(), "year": year, "slug": slug(area)}
    sentences = rng.sample(SENTENCES, rng.randint(2, 4))
    return " ".join(_fill(rng, s, **known) for s in sentences)


def _zh(rng: random.Random, low: int, high: int) -> str:
    text = ""
    while len(text) < low:
        text += rng.choice(ZH_CHUNKS)
    return text[:high] + "。"


def _progress(rng: random.Random, plan: dict, measure, folder: str, target_id: str) -> list:
    entries = []
    for quarter, fraction in zip(plan["quarters"], plan["fractions"], strict=True):
        entry = {"quarter": _q(quarter)}
        if measure is None:
            entry["percent_complete"] = 100 if fraction >= 1 else min(99, round(fraction * 100))
        else:
            entry["value"] = _value(measure, fraction)
        if rng.random() < 0.4:
            entry["note"] = " ".join(rng.sample(NOTES, rng.randint(1, 2)))
        if rng.random() < 0.5:
            url = f"https://data.example.gov/{folder}/{target_id.lower()}/{_q(quarter).lower()}"
            entry["sources"] = [url]
        if rng.random() < 0.25:
            entry["verified_by"] = rng.choice(VERIFIERS)
        entries.append(entry)
    return entries


def _value(measure: dict, fraction: float) -> int | float:
    """The indicator's value at ``fraction`` of the way; never the target unless reached."""
    baseline, target, decimals = measure["baseline"], measure["target"], measure["dp"]
    if fraction >= 1:
        return _number(target, decimals)
    value = round(baseline + (target - baseline) * fraction, decimals)
    step = 10**-decimals * (1 if target > baseline else -1)
    # Rounding must not reach the target early: that would change the status.
    if (target - value) * (1 if target > baseline else -1) <= 0:
        value = round(target - step, decimals)
    return _number(value, decimals)


def _add_endings(rng: random.Random, doc: dict, plan: dict, status: str, responsible: str):
    """A delay justification for most missed targets; the reason for a withdrawn one."""
    if status == "missed" and rng.random() < 0.6:
        due = plan["due"]
        submitted = datetime.date(due // 4, due % 4 * 3 + 1, 1) + datetime.timedelta(days=100)
        doc["delay"] = {
            "reason": " ".join(rng.sample(REASONS, rng.randint(1, 2))),
            # Some promised dates have passed already: the "revised due passed" flag.
            "revised_due": _q(due + rng.randint(1, 8)),
            "measures": "".join(f"- {m}\n" for m in rng.sample(MEASURES, rng.randint(2, 4))),
            "submitted": submitted,
            "responsible": responsible,
        }
    if status == "withdrawn":
        doc["withdrawn"] = {"quarter": _q(plan["withdrawn"]), "reason": rng.choice(WITHDRAWALS)}


# --- Files ------------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Block-style YAML without anchors: the register refuses aliases."""

    def ignore_aliases(self, data) -> bool:
        return True


def _text(dumper: yaml.SafeDumper, text: str):
    # Multi-line Markdown (a list of measures) reads best as a literal block.
    return dumper.represent_scalar(
        "tag:yaml.org,2002:str", text, style="|" if "\n" in text else None
    )


_Dumper.add_representer(str, _text)


def target_yaml(doc: dict) -> str:
    """The file text of one target, as a person might write it."""
    return yaml.dump(
        doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=88, default_flow_style=False
    )


def target_path(directory: Path, target: SyntheticTarget) -> Path:
    return Path(directory) / target.folder / f"{target.id}.yaml"


def write_target(directory: Path, target: SyntheticTarget) -> Path:
    path = target_path(directory, target)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(target_yaml(target.doc), encoding="utf-8", newline="\n")
    return path


def write_register(directory: Path | str, n: int, quarters: int = 12, seed: int = 0):
    """Write the register into ``directory``; return its targets."""
    targets = make_register(n, quarters, seed)
    for target in targets:
        write_target(Path(directory), target)
    return targets


# --- The baseline: the same text as plain Markdown articles -----------------------------------


def _texts(value) -> list[str]:
    return list(value.values()) if isinstance(value, dict) else [value]


def article_markdown(target: SyntheticTarget, index: int) -> str:
    """A Pelican article with all the prose and figures of ``target``."""
    doc = target.doc
    title = _texts(doc["title"])
    date = datetime.datetime(2020, 1, 1) + datetime.timedelta(hours=index)
    lines = [
        f"Title: {title[0]}",
        f"Date: {date:%Y-%m-%d %H:%M}",
        f"Category: {doc['bureau']}",
        f"Tags: {doc['area']}, {target.status.replace('_', ' ')}, {doc['policy_address']}",
        f"Slug: {target.id.lower()}",
        "",
        *(f"{t}\n" for t in title[1:] + _texts(doc.get("description", ""))),
        "## Progress\n",
    ]
    lines += [_entry_line(entry, doc.get("indicator")) for entry in doc["progress"]]
    for part in ("delay", "withdrawn"):
        if part in doc:
            lines += ["", f"## {part.title()}\n", *(f"{v}\n" for v in doc[part].values())]
    return "\n".join(lines) + "\n"


def _entry_line(entry: dict, indicator: dict | None) -> str:
    figure = (
        f"{entry['percent_complete']}% complete"
        if indicator is None
        else f"{entry['value']} {indicator['unit']}"
    )
    extra = " ".join([entry.get("note", ""), *entry.get("sources", [])]).strip()
    return f"- **{entry['quarter']}**: {figure}. {extra}".rstrip()
