"""Generate a realistic casualty-claims package of any size, clean by construction.

``generate(out, claims=1_000_000)`` writes a complete package on the canonical schema: the
canonical ``datapackage.json`` (its ``temporal`` kept), the six CSVs, and the archived text of
a small share of the sources. It validates with no error and no warning under every rule.

What it holds:

- **actors**: five perpetrators (the coalition, Russian, Syrian, Iraqi and Turkish air
  forces), hundreds of claimants (monitors, media, rights groups, legislators, councils, UN
  bodies, local committees) and the perpetrators' own press offices (``cjtf-oir`` ...), whose
  claims are ``acknowledged``.
- **places**: Syria and Iraq, their 32 governorates, 4 districts each and 25 towns per
  district (3,200 towns), nested through ``parent_id``.
- **claims**, three kinds:

  * *incident* claims (the bulk): one claimant, one perpetrator, one additive flow metric,
    one day, one town. Claimant sizes are Zipf-like (weight ``1/(rank+3)^1.1``; with
    ``skew=0.2`` the largest claimant holds 20% of the claims); towns are heavy-tailed
    (the first towns of the most fought-over governorates get most incidents); days
    cluster in 2015-2019; values are discrete Pareto per metric (mostly 1-10 deaths, a
    few hundred); qualifiers mostly ``exact``, with every other qualifier present; numbers
    written in Western, Eastern Arabic and Persian digits, grouped, with scale words and
    spelled out (through ``casualty_schema/domain/spelling.py``'s ``to_words``). No two incident
    claims share claimant, metric, day and town (they would nest in each other).
  * each claimant's *monthly cumulative totals* over whole countries ("since August 2014,
    until the end of March 2017"), per perpetrator and metric, each the sum of the lower
    bounds of the claimant's incidents up to that month plus a small unitemised margin, so
    no incident exceeds a total enclosing it; a tenth are restated in a headline ("about
    1,300", ``restates``); each updates the previous month's (``updates`` chains).
  * *stock* levels (reports still under assessment, coalition members) and the non-additive
    "first reported" deaths of the press offices' monthly statements, also in ``updates``
    chains.

- **relations**: ``updates`` chains, ``part_of`` links from 2% of incidents to the first
  cumulative total that covers them, ``restates``, and ``disputes`` between claimants.
- **sources**: one daily report per claimant and day, one monthly statement per claimant and
  month; about 2% of the sources (at most ~500) have an archived text under
  ``data/sources/`` holding their quotes.

With ``faults=k`` it then plants exactly *k* faults of every consistency rule and of four
structural error types (:data:`FAULT_RULES`), each designed to raise exactly one finding,
and records them in ``faults.json`` beside ``datapackage.json``. ``generated.json`` records
the parameters and row counts.

Everything is a pure function of the parameters: random numbers are hashes of row indices
(polars ``hash``), so 10 million claims are built column by column in polars. It takes from
``casualty_schema`` only what is declared once there: the rule ids and severities of the
registries, the qualifier bounds and the spelling of numbers (``to_words``).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, cast

import polars as pl

from casualty_schema import catalogue
from casualty_schema.domain import bounds
from casualty_schema.domain.spelling import to_words

ROOT = Path(__file__).resolve().parent.parent
CANONICAL = ROOT / "datapackage.json"


def _write_descriptor(target: Path) -> None:
    """The canonical descriptor, without the bytes and hash its release recorded (they
    describe the canonical files, not the generated ones)."""
    descriptor = json.loads(CANONICAL.read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        resource.pop("bytes", None)
        resource.pop("hash", None)
    target.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


GENERATOR_VERSION = "1"
# ---------------------------------------------------------------------------------------------
# Calendar
# ---------------------------------------------------------------------------------------------

EPOCH = date(1970, 1, 1)
FIRST_DAY = date(2014, 8, 8)  # the canonical package's temporal start
LAST_DAY = date(2024, 12, 31)  # last incident day; statements about it follow in January 2025
PEAK = (date(2015, 6, 1), date(2019, 6, 30))  # most incidents fall here


def _day(d: date) -> int:
    return (d - EPOCH).days


def _month_index(d: date) -> int:
    """Months since August 2014 (0)."""
    return (d.year - 2014) * 12 + d.month - 8


def _month_first(index: int) -> date:
    year, month = divmod(2014 * 12 + 7 + index, 12)
    return date(year, month + 1, 1)


def _month_last(index: int) -> date:
    return _month_first(index + 1) - timedelta(days=1)


LAST_MONTH = _month_index(LAST_DAY)

MONTHS_AR = (
    "كانون الثاني/يناير",
    "شباط/فبراير",
    "آذار/مارس",
    "نيسان/أبريل",
    "أيار/مايو",
    "حزيران/يونيو",
    "تموز/يوليو",
    "آب/أغسطس",
    "أيلول/سبتمبر",
    "تشرين الأول/أكتوبر",
    "تشرين الثاني/نوفمبر",
    "كانون الأول/ديسمبر",
)
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _day_text(days: pl.Expr, fmt: str = "%Y-%m-%d") -> pl.Expr:
    return days.cast(pl.Int32).cast(pl.Date).dt.strftime(fmt)


# ---------------------------------------------------------------------------------------------
# Randomness: a uniform number in (0, 1] as a hash of (row index, seed, stream)
# ---------------------------------------------------------------------------------------------


def _u(index: pl.Expr, seed: int, stream: int) -> pl.Expr:
    h = index.hash(seed=(seed * 1_000_003 + stream * 7_919 + 12_345) % 2**62)
    return ((h // 2048).cast(pl.Float64) + 1.0) / float(2**53)


def _pick(u: pl.Expr, choices: Sequence[tuple[float, Any]]) -> pl.Expr:
    """The choice whose cumulative weight first exceeds u (weights need not sum to 1)."""
    total = sum(w for w, _ in choices)
    acc = 0.0
    expr: Any = None
    for weight, value in choices[:-1]:
        acc += weight / total
        expr = (pl.when(u <= acc) if expr is None else expr.when(u <= acc)).then(pl.lit(value))
    last = pl.lit(choices[-1][1])
    return last if expr is None else expr.otherwise(last)


# ---------------------------------------------------------------------------------------------
# Bounds: the contract's qualifier table, applied by casualty_schema.domain.bounds. Only the lower
# bound is needed: totals are sums of lower bounds.
# ---------------------------------------------------------------------------------------------


def _lower(qualifier: pl.Expr, value: pl.Expr) -> pl.Expr:
    return bounds.lower(qualifier, value, pl.lit(None, pl.Int64))


# ---------------------------------------------------------------------------------------------
# Reference data
# ---------------------------------------------------------------------------------------------

ADDITIVE = ("civilian-deaths", "airstrikes", "bodies-found", "reports-non-credible")

# (id, name, name_en, kind, country, quote phrase, English adjective)
PERPETRATORS = (
    ("coalition", "التحالف الدولي",
     "Global Coalition against Daesh (US-led international coalition)", "military_coalition",
     None, "التحالف الدولي", "coalition"),
    ("russia-af", "القوات الجوية الروسية", "Russian Aerospace Forces", "armed_forces", "RU",
     "الطيران الروسي", "Russian"),
    ("syria-af", "القوات الجوية العربية السورية", "Syrian Arab Air Force", "armed_forces", "SY",
     "طيران النظام السوري", "Syrian government"),
    ("iraq-af", "القوات الجوية العراقية", "Iraqi Air Force", "armed_forces", "IQ",
     "الطيران العراقي", "Iraqi"),
    ("turkey-af", "القوات الجوية التركية", "Turkish Air Force", "armed_forces", "TR",
     "الطيران التركي", "Turkish"),
)  # fmt: skip
PERPS_BY_REGION = {
    "syria": ("coalition", "russia-af", "syria-af", "turkey-af"),
    "iraq": ("coalition", "iraq-af"),
    "both": ("coalition", "russia-af", "syria-af", "iraq-af"),
}

# The perpetrators' own press offices: (rank, id, name, name_en, kind, country, parent,
# region, metrics). Their claims are acknowledged.
OFFICIALS = (
    (1, "cjtf-oir", "قوة المهام المشتركة – عملية العزم الصلب",
     "Combined Joint Task Force – Operation Inherent Resolve", "military_coalition", None,
     "coalition", "both", ("civilian-deaths", "airstrikes", "reports-non-credible")),
    (3, "russia-af-press", "المكتب الإعلامي لوزارة الدفاع الروسية",
     "Russian Ministry of Defence press office", "armed_forces", "RU", "russia-af", "syria",
     ("airstrikes", "civilian-deaths")),
    (6, "iraq-jocc", "قيادة العمليات المشتركة", "Joint Operations Command (Iraq)",
     "armed_forces", "IQ", "iraq-af", "iraq", ("airstrikes", "civilian-deaths")),
    (10, "syria-af-command", "القيادة العامة للجيش والقوات المسلحة",
     "General Command of the Army and Armed Forces (Syria)", "armed_forces", "SY", "syria-af",
     "syria", ("airstrikes",)),
    (16, "turkey-mod", "وزارة الدفاع التركية", "Ministry of National Defence (Turkey)",
     "government", "TR", "turkey-af", "syria", ("airstrikes",)),
)  # fmt: skip
PARLIAMENTS = (
    ("syria-peoples-assembly", "مجلس الشعب السوري", "People's Assembly of Syria", "SY"),
    ("iraq-council-of-representatives", "مجلس النواب العراقي", "Council of Representatives of Iraq",
     "IQ"),
)  # fmt: skip

# Claimant kinds: (kind, id prefix, Arabic name pattern, English pattern, weight)
CLAIMANT_KINDS = (
    ("monitoring_group", "monitor", "مرصد {ar} لحقوق الإنسان", "{en} Human Rights Observatory", 40),
    ("media", "media", "شبكة {ar} الإخبارية", "{en} News Network", 20),
    ("rights_group", "rights", "منظمة {ar} للعدالة", "{en} Justice Organisation", 10),
    ("legislator", "mp", "النائب عن {ar}", "MP for {en}", 8),
    ("government", "council", "مجلس محافظة {ar}", "{en} Governorate Council", 6),
    ("un_body", "un", "فريق الأمم المتحدة في {ar}", "UN team in {en}", 4),
    ("other", "lcc", "تنسيقية {ar}", "{en} Local Coordination Committee", 12),
)

# Governorates, most fought-over first: (slug, Arabic, English, ISO 3166-2 suffix)
GOVERNORATES = {
    "syria": (
        ("raqqa", "الرقة", "Raqqa", "RA"), ("deir-ez-zor", "دير الزور", "Deir ez-Zor", "DY"),
        ("aleppo", "حلب", "Aleppo", "HL"), ("idlib", "إدلب", "Idlib", "ID"),
        ("hasakah", "الحسكة", "Al-Hasakah", "HA"), ("hama", "حماة", "Hama", "HM"),
        ("homs", "حمص", "Homs", "HI"), ("rif-dimashq", "ريف دمشق", "Rif Dimashq", "RD"),
        ("daraa", "درعا", "Daraa", "DR"), ("damascus", "دمشق", "Damascus", "DI"),
        ("latakia", "اللاذقية", "Latakia", "LA"), ("quneitra", "القنيطرة", "Quneitra", "QU"),
        ("tartus", "طرطوس", "Tartus", "TA"), ("suwayda", "السويداء", "As-Suwayda", "SU"),
    ),
    "iraq": (
        ("nineveh", "نينوى", "Nineveh", "NI"), ("anbar", "الأنبار", "Anbar", "AN"),
        ("salah-ad-din", "صلاح الدين", "Salah ad-Din", "SD"), ("kirkuk", "كركوك", "Kirkuk", "KI"),
        ("diyala", "ديالى", "Diyala", "DI"), ("baghdad", "بغداد", "Baghdad", "BG"),
        ("babil", "بابل", "Babil", "BB"), ("erbil", "أربيل", "Erbil", "AR"),
        ("duhok", "دهوك", "Duhok", "DA"), ("sulaymaniyah", "السليمانية", "Sulaymaniyah", "SU"),
        ("karbala", "كربلاء", "Karbala", "KA"), ("najaf", "النجف", "Najaf", "NA"),
        ("wasit", "واسط", "Wasit", "WA"), ("qadisiyyah", "القادسية", "Al-Qadisiyyah", "QA"),
        ("maysan", "ميسان", "Maysan", "MA"), ("dhi-qar", "ذي قار", "Dhi Qar", "DQ"),
        ("muthanna", "المثنى", "Al-Muthanna", "MU"), ("basra", "البصرة", "Basra", "BA"),
    ),
}  # fmt: skip
COUNTRIES = {
    "syria": ("سوريا", "Syria", "SY", (32.4, 37.2), (35.8, 42.3)),
    "iraq": ("العراق", "Iraq", "IQ", (29.2, 37.3), (38.9, 48.5)),
}
DISTRICTS_PER_GOVERNORATE = 4
TOWNS_PER_DISTRICT = 25
TOWN_PREFIXES = (
    ("تل", "Tal"),
    ("عين", "Ayn"),
    ("دير", "Dayr"),
    ("كفر", "Kafr"),
    ("بير", "Bir"),
    ("خربة", "Khirbat"),
    ("جسر", "Jisr"),
    ("قصر", "Qasr"),
    ("رأس", "Ras"),
    ("حي", "Hayy"),
    ("مزرعة", "Mazraat"),
    ("أبو", "Abu"),
)
TOWN_ROOTS = (
    ("الزيتون", "az-Zaytun"),
    ("النخيل", "an-Nakhil"),
    ("الحمراء", "al-Hamra"),
    ("البيضاء", "al-Bayda"),
    ("السلام", "as-Salam"),
    ("الشمس", "ash-Shams"),
    ("القمر", "al-Qamar"),
    ("الورد", "al-Ward"),
    ("الحجر", "al-Hajar"),
    ("الجبل", "al-Jabal"),
    ("النهر", "an-Nahr"),
    ("الرمان", "ar-Rumman"),
    ("التين", "at-Tin"),
    ("الصفصاف", "as-Safsaf"),
    ("السنديان", "as-Sindyan"),
    ("البلوط", "al-Ballut"),
    ("الغزلان", "al-Ghizlan"),
    ("الريح", "ar-Rih"),
    ("الضباب", "ad-Dabab"),
    ("الخضراء", "al-Khadra"),
    ("العنب", "al-Inab"),
    ("الجوز", "al-Jawz"),
    ("الكرمة", "al-Karma"),
    ("السوق", "as-Suq"),
    ("الطاحونة", "at-Tahuna"),
    ("البركة", "al-Baraka"),
    ("الصخرة", "as-Sakhra"),
    ("الرملة", "ar-Ramla"),
    ("القصب", "al-Qasab"),
    ("الشيخ", "ash-Shaykh"),
)
REGION_AR = {"syria": "سوريا", "iraq": "العراق", "both": "سوريا والعراق"}
REGION_PLACES = {"syria": "syria", "iraq": "iraq", "both": "syria,iraq"}

# Incident values: discrete Pareto floor(u^(-1/alpha)), capped, per metric
VALUE_SHAPE = {
    "civilian-deaths": (1.25, 400),
    "airstrikes": (1.8, 60),
    "bodies-found": (0.9, 300),
    "reports-non-credible": (2.0, 15),
}
QUALIFIER_MIX = (
    (0.70, "exact"), (0.08, "at_least"), (0.06, "more_than"), (0.05, "about"),
    (0.04, "range"), (0.05, "vague"), (0.01, "at_most"), (0.01, "less_than"),
)  # fmt: skip
# How numbers are written: (weight, to_words form)
FORM_MIX = (
    (0.60, "western"), (0.15, "eastern"), (0.03, "persian"), (0.12, "spelled"),
    (0.05, "western-grouped"), (0.03, "eastern-grouped"), (0.02, "scale-words"),
)  # fmt: skip
TOTAL_FORM_MIX = (
    (0.30, "western"), (0.25, "western-grouped"), (0.15, "eastern-grouped"), (0.15, "scale-words"),
    (0.05, "spelled"), (0.05, "eastern"), (0.05, "persian"),
)  # fmt: skip
# Vague quantities by size: (below, phrase, value, value_max): the convention table
VAGUE = ((100, "عشرات", 20, 99), (1000, "مئات", 200, 999), (10**18, "آلاف", 2000, 9999))
HEDGE_AR = {
    "exact": "{}", "at_least": "ما لا يقل عن {}", "more_than": "أكثر من {}", "about": "نحو {}",
    "range": "بين {}", "vague": "{}", "at_most": "لا يزيد عن {}", "less_than": "أقل من {}",
}  # fmt: skip
HEDGE_EN = {
    "exact": "{}", "at_least": "at least {}", "more_than": "more than {}", "about": "about {}",
    "range": "between {}", "vague": "{}", "at_most": "at most {}", "less_than": "fewer than {}",
}  # fmt: skip

# Quote templates over {hp} (hedged number), {perp}, {town}; each holds a metric keyword.
INCIDENT_QUOTES = {
    "civilian-deaths": (
        "قتل {hp} مدنياً في غارات {perp} على {town}",
        "مقتل {hp} من المدنيين جراء قصف {perp} على بلدة {town}",
        "وثقنا مقتل {hp} مدنيين في {town} إثر غارة شنها {perp}",
    ),
    "airstrikes": (
        "شن {perp} {hp} غارة على {town} ومحيطها",
        "استهدفت {hp} غارات جوية نفذها {perp} بلدة {town}",
    ),
    "bodies-found": (
        "انتشال {hp} جثة من مقبرة جماعية في {town}",
        "العثور على رفات {hp} شخصاً في {town} قضوا بقصف {perp}",
    ),
    "reports-non-credible": (
        "صنف {perp} {hp} تقارير عن سقوط ضحايا مدنيين في {town} بأنها غير موثوقة",
    ),
}
INCIDENT_QUOTES_EN = {
    "civilian-deaths": "{hp} civilians killed in {perp} strikes on {town}",
    "airstrikes": "{perp} aircraft conducted {hp} strikes on {town}",
    "bodies-found": "{hp} bodies recovered from a mass grave in {town}",
    "reports-non-credible": "{hp} reports of civilian casualties in {town} assessed non-credible",
}
# Cumulative totals over {claimant}, {hp}, {perp}, {region}, {start}, {month}
TOTAL_QUOTES = {
    "civilian-deaths": "أعلن {claimant} مقتل {hp} مدنياً في غارات {perp} في {region} منذ "
    "{start} وحتى نهاية {month}",
    "airstrikes": "شن {perp} {hp} غارة في {region} منذ {start} وحتى نهاية {month}",
    "bodies-found": "عثر على {hp} جثة في {region} منذ {start} وحتى نهاية {month}",
    "reports-non-credible": "صنف {perp} {hp} تقارير بأنها غير موثوقة منذ {start} وحتى "
    "نهاية {month}",
}
HEADLINE_QUOTES = {
    "civilian-deaths": "{claimant}: {hp} مدني قتلوا في غارات {perp} منذ {start}",
    "airstrikes": "{perp} شن {hp} غارة في {region} منذ {start}",
    "bodies-found": "{hp} جثة في مقابر جماعية في {region} منذ {start}",
    "reports-non-credible": "{hp} تقارير غير موثوقة منذ {start}",
}
START_TEXT = {"2014-08": "آب/أغسطس 2014", "2014": "عام 2014", "2014-08-08": "8 آب/أغسطس 2014"}

# ---------------------------------------------------------------------------------------------
# Faults
# ---------------------------------------------------------------------------------------------

#: Every consistency rule of the registry gets a planted fault (``Faults._<rule>``: a rule
#: without one makes ``plant`` fail), and so do these structural error types; ids and
#: severities are the registries' own (their declarations, casualty_schema.catalogue).
CONSISTENCY_RULES = tuple(r.id for r in catalogue.rules())
STRUCTURAL_RULES = ("type-error", "constraint-error", "primary-key", "foreign-key")
FAULT_RULES = CONSISTENCY_RULES + STRUCTURAL_RULES
SEVERITY = {r.id: r.severity for r in catalogue.rules()} | {
    e.type: e.severity for e in catalogue.errors() if e.type in STRUCTURAL_RULES
}


@dataclass(frozen=True)
class PlantedFault:
    """One planted fault and the one finding it must raise."""

    rule: str
    severity: str
    resource: str
    key: str  # the row's primary key as findings give it ("a, part_of, b" for relations)
    field: str
    note: str


@dataclass
class GeneratedPackage:
    root: Path
    claims: int  # rows of claims.csv, planted faults included
    rows: dict[str, int]
    faults: list[PlantedFault]
    seed: int
    skew: float | None
    seconds: float
    source_texts: int
    bytes: int

    @property
    def descriptor(self) -> Path:
        return self.root / "datapackage.json"


# ---------------------------------------------------------------------------------------------
# Actors, places, claimants
# ---------------------------------------------------------------------------------------------


@dataclass
class Claimant:
    index: int
    actor_id: str
    name: str
    name_en: str
    kind: str
    country: str | None
    parent: str | None
    official: bool
    region: str
    size: int = 0
    perps: list[tuple[str, float]] = field(default_factory=list)
    metrics: list[tuple[str, float]] = field(default_factory=list)
    first_month: int = 0
    last_month: int = LAST_MONTH
    cum_start: str = "2014-08"
    end_as_day: bool = True
    stock: bool = False
    statements: list[int] = field(default_factory=list)  # months with a statement
    restated: set[tuple[int, int]] = field(default_factory=set)  # (statement no, group no)
    incidents: int = 0

    @property
    def groups(self) -> list[tuple[str, str]]:
        return [(p, m) for p, _ in self.perps for m, _ in self.metrics]

    def per_statement(self, month: int) -> int:
        """Stock and first-reported claims of one statement."""
        extra = int(self.stock)
        if self.official:
            extra += 1  # civilian-deaths-first-reported
            if self.actor_id == "cjtf-oir" and _month_first(month).month == 1:
                extra += 1  # coalition-members
        return extra

    def non_incident(self) -> int:
        groups = len(self.groups)
        return (
            len(self.statements) * groups
            + len(self.restated)
            + sum(self.per_statement(m) for m in self.statements)
        )


def _claimant_count(claims: int) -> int:
    return max(5, min(400, claims // 50))


def _sizes(claims: int, count: int, skew: float | None) -> list[int]:
    """Claims per claimant: Zipf-like, or with the largest holding ``skew`` of them."""
    weights = [1.0 / (k + 3) ** 1.1 for k in range(count)]
    if skew is not None:
        if not 0 < skew < 1:
            raise ValueError(f"skew must lie strictly between 0 and 1, not {skew}")
        top = round(claims * skew)
        rest = sum(weights[1:])
        sizes = [top] + [max(4, math.floor((claims - top) * w / rest)) for w in weights[1:]]
    else:
        total = sum(weights)
        sizes = [max(4, math.floor(claims * w / total)) for w in weights]
    # the remainder goes to the largest claimant when sizes fall short, and is taken from the
    # largest claimants that can spare it when the minimum of 4 made them overshoot
    diff = claims - sum(sizes)
    k = 1 if skew is not None else 0
    while diff < 0:
        take = min(-diff, sizes[k] - 4)
        sizes[k] -= take
        diff += take
        k += 1
    sizes[0 if skew is None else 1] += diff
    return sizes


def _plan_claimants(claims: int, skew: float | None, rng: random.Random) -> list[Claimant]:
    count = _claimant_count(claims)
    if claims < 8 * count:
        raise ValueError(f"{claims} claims are too few: at least {8 * count}")
    sizes = _sizes(claims, count, skew)
    officials = {o[0]: o for o in OFFICIALS if o[0] < count}
    kinds = [k for k in CLAIMANT_KINDS for _ in range(k[4])]
    name_roots = [(g[1], g[2]) for region in GOVERNORATES.values() for g in region] + [
        (ar, en.split("-", 1)[-1].capitalize()) for ar, en in TOWN_ROOTS
    ]
    out: list[Claimant] = []
    for k in range(count):
        if k in officials:
            _, actor_id, name, name_en, kind, country, parent, region, own = officials[k]
            c = Claimant(k, actor_id, name, name_en, kind, country, parent, True, region)
            c.perps = [(parent, 1.0)]
            c.metrics = [(m, w) for m, w in zip(own, (0.6, 0.3, 0.1), strict=False)]
        else:
            kind, prefix, pattern_ar, pattern_en, _ = kinds[rng.randrange(len(kinds))]
            ar, en = name_roots[rng.randrange(len(name_roots))]
            region = rng.choice(("syria", "syria", "syria", "iraq", "both", "both"))
            country = {"syria": "SY", "iraq": "IQ", "both": None}[region]
            parent = None
            if kind == "legislator":
                region = rng.choice(("syria", "iraq"))
                country = "SY" if region == "syria" else "IQ"
                parent = PARLIAMENTS[0][0] if region == "syria" else PARLIAMENTS[1][0]
            c = Claimant(
                k,
                f"{prefix}-{k:03d}",
                pattern_ar.format(ar=ar),
                pattern_en.format(en=en),
                kind,
                country,
                parent,
                False,
                region,
            )
            candidates = list(PERPS_BY_REGION[region])
            n_perps = 1 if sizes[k] < 200 else (2 if sizes[k] < 5000 else 3)
            chosen = rng.sample(candidates, min(n_perps, len(candidates)))
            c.perps = [(p, w) for p, w in zip(chosen, (0.7, 0.2, 0.1), strict=False)]
            mix = [("civilian-deaths", 0.65)]
            if sizes[k] >= 100 and rng.random() < 0.7:
                mix.append(("airstrikes", 0.25))
            if sizes[k] >= 1000 and rng.random() < 0.4:
                mix.append(("bodies-found", 0.10))
            c.metrics = mix
        c.size = sizes[k]
        if k < 5:
            c.first_month, c.last_month = 0, LAST_MONTH
        else:
            c.first_month = rng.randrange(0, 60)
            c.last_month = rng.randrange(min(c.first_month + 24, LAST_MONTH), LAST_MONTH + 1)
        c.cum_start = rng.choice(("2014-08", "2014-08", "2014-08", "2014", "2014-08-08"))
        c.end_as_day = rng.random() < 0.7
        c.stock = c.official or (k < 50 and rng.random() < 0.2) or k == 0
        _plan_statements(c, rng)
        out.append(c)
    return out


def _plan_statements(c: Claimant, rng: random.Random) -> None:
    span = c.last_month - c.first_month + 1
    while True:
        groups = len(c.groups)
        wanted = round(0.04 * c.size / (groups + int(c.stock) + int(c.official)))
        months = max(1, min(span, wanted))
        c.statements = sorted(
            {c.last_month - (i * span) // months for i in range(months)}  # ends at last_month
        )
        c.restated = {
            (s, g) for s in range(len(c.statements)) for g in range(groups) if rng.random() < 0.1
        }
        if c.non_incident() <= c.size // 2:
            break
        if c.stock and not c.official:
            c.stock = False
        elif len(c.metrics) > 1:
            c.metrics = c.metrics[:1]
        elif len(c.perps) > 1:
            c.perps = c.perps[:1]
        elif c.restated:
            c.restated = set()
        else:
            raise ValueError(f"claimant {c.actor_id}: {c.size} claims are too few")
    c.incidents = c.size - c.non_incident()


def _actors(claimants: list[Claimant]) -> pl.DataFrame:
    rows: list[dict[str, str | None]] = [
        {
            "actor_id": p[0],
            "name": p[1],
            "name_en": p[2],
            "kind": p[3],
            "country": p[4],
            "parent_id": None,
        }
        for p in PERPETRATORS
    ]
    rows += [
        {
            "actor_id": a,
            "name": n,
            "name_en": e,
            "kind": "government",
            "country": c,
            "parent_id": None,
        }
        for a, n, e, c in PARLIAMENTS
    ]
    rows += [
        {
            "actor_id": c.actor_id,
            "name": c.name,
            "name_en": c.name_en,
            "kind": c.kind,
            "country": c.country,
            "parent_id": c.parent,
        }
        for c in claimants
    ]
    return pl.DataFrame(rows, schema={k: pl.String for k in rows[0]})


@dataclass
class Places:
    frame: pl.DataFrame  # places.csv
    towns: pl.DataFrame  # town index -> place_id, name, name_en
    region_range: dict[str, tuple[int, int]]  # region -> (first town index, number of towns)


def _places(rng: random.Random) -> Places:
    rows: list[dict[str, Any]] = []
    towns: list[tuple[int, str, str, str]] = []
    first: dict[str, int] = {}
    for country, (name, name_en, iso, (lat0, lat1), (lon0, lon1)) in COUNTRIES.items():
        first[country] = len(towns)
        rows.append(
            {
                "place_id": country,
                "name": name,
                "name_en": name_en,
                "kind": "country",
                "parent_id": None,
                "iso_3166": iso,
                "pcode": iso,
            }
        )
        for g, (slug, gname, gname_en, code) in enumerate(GOVERNORATES[country], start=1):
            gov_id = f"{iso.lower()}-{slug}"
            rows.append(
                {
                    "place_id": gov_id,
                    "name": gname,
                    "name_en": gname_en,
                    "kind": "governorate",
                    "parent_id": country,
                    "iso_3166": f"{iso}-{code}",
                    "pcode": f"{iso}{g:02d}",
                }
            )
            for d in range(1, DISTRICTS_PER_GOVERNORATE + 1):
                district_id = f"{gov_id}-d{d}"
                root_ar, root_en = TOWN_ROOTS[rng.randrange(len(TOWN_ROOTS))]
                rows.append(
                    {
                        "place_id": district_id,
                        "name": f"منطقة {gname} {root_ar}",
                        "name_en": f"{gname_en} {root_en} District",
                        "kind": "district",
                        "parent_id": gov_id,
                        "pcode": f"{iso}{g:02d}{d:02d}",
                    }
                )
                for t in range(1, TOWNS_PER_DISTRICT + 1):
                    prefix, prefix_en = TOWN_PREFIXES[rng.randrange(len(TOWN_PREFIXES))]
                    root_ar, root_en = TOWN_ROOTS[rng.randrange(len(TOWN_ROOTS))]
                    town_id = f"{district_id}-t{t:02d}"
                    town, town_en = f"{prefix} {root_ar}", f"{prefix_en} {root_en}"
                    rows.append(
                        {
                            "place_id": town_id,
                            "name": town,
                            "name_en": town_en,
                            "kind": "town",
                            "parent_id": district_id,
                            "pcode": f"{iso}{g:02d}{d:02d}{t:02d}",
                            "latitude": f"{rng.uniform(lat0, lat1):.3f}",
                            "longitude": f"{rng.uniform(lon0, lon1):.3f}",
                        }
                    )
                    towns.append((len(towns), town_id, town, town_en))
    columns = (
        "place_id",
        "name",
        "name_en",
        "kind",
        "parent_id",
        "iso_3166",
        "pcode",
        "latitude",
        "longitude",
    )
    frame = pl.DataFrame(
        [{c: r.get(c) for c in columns} for r in rows], schema={c: pl.String for c in columns}
    )
    town_frame = pl.DataFrame(
        towns,
        schema={
            "town": pl.Int64,
            "place_id": pl.String,
            "town_ar": pl.String,
            "town_en": pl.String,
        },
        orient="row",
    )
    ranges = {
        "syria": (first["syria"], first["iraq"] - first["syria"]),
        "iraq": (first["iraq"], len(towns) - first["iraq"]),
        "both": (0, len(towns)),
    }
    return Places(frame, town_frame, ranges)


# ---------------------------------------------------------------------------------------------
# Numbers as written
# ---------------------------------------------------------------------------------------------


def _written(pairs: pl.DataFrame) -> pl.DataFrame:
    """(number, form) -> text, through spelling.to_words, once per distinct pair."""
    distinct = pairs.unique().sort(["number", "form"])
    texts = [to_words(n, f) for n, f in distinct.iter_rows()]
    return distinct.with_columns(pl.Series("text", texts, dtype=pl.String))


def _with_value_text(frame: pl.DataFrame, form: pl.Expr) -> pl.DataFrame:
    """Add value_text: the number as written in ``form`` (range: both ends, in digits; vague:
    the phrase already in column ``vague``). Needs qualifier, value, value_max, vague."""
    frame = frame.with_columns(
        pl.when(pl.col("qualifier") == "range")
        .then(
            pl.when(form.str.starts_with("eastern"))
            .then(pl.lit("eastern"))
            .otherwise(pl.lit("western"))
        )
        .otherwise(form)
        .alias("form")
    )
    pairs = pl.concat(
        [
            frame.select(pl.col("value").alias("number"), "form"),
            frame.filter(pl.col("value_max").is_not_null()).select(
                pl.col("value_max").alias("number"), "form"
            ),
        ]
    )
    table = _written(pairs)
    frame = frame.join(
        table.rename({"number": "value", "text": "text_v"}), on=["value", "form"], how="left"
    ).join(
        table.rename({"number": "value_max", "text": "text_m"}),
        on=["value_max", "form"],
        how="left",
    )
    return frame.with_columns(
        pl.when(pl.col("qualifier") == "vague")
        .then(pl.col("vague"))
        .when(pl.col("qualifier") == "range")
        .then(pl.format("{} و{}", "text_v", "text_m"))
        .otherwise(pl.col("text_v"))
        .alias("value_text")
    ).drop("text_v", "text_m", "form")


def _hedged(template: dict[str, str], text: pl.Expr) -> pl.Expr:
    expr: Any = None
    for qualifier, pattern in template.items():
        value = pl.format(pattern, text) if pattern != "{}" else text
        cond = pl.col("qualifier") == qualifier
        expr = (pl.when(cond) if expr is None else expr.when(cond)).then(value)
    return cast(pl.Expr, expr.otherwise(text))


def _by_metric(templates: dict[str, str], columns: dict[str, pl.Expr]) -> pl.Expr:
    """One template per metric, filled with the named columns."""
    expr: Any = None
    for metric, template in templates.items():
        value = _fill(template, columns)
        cond = pl.col("metric") == metric
        expr = (pl.when(cond) if expr is None else expr.when(cond)).then(value)
    return cast(pl.Expr, expr.otherwise(pl.lit(None, pl.String)))


def _fill(template: str, columns: dict[str, pl.Expr]) -> pl.Expr:
    """``template`` with {name} placeholders, as a pl.format over ``columns``."""
    import string

    pieces, args = [], []
    for literal, name, _spec, _conv in string.Formatter().parse(template):
        pieces.append(literal)
        if name is not None:
            pieces.append("{}")
            args.append(columns[name])
    return pl.format("".join(pieces), *args)


# ---------------------------------------------------------------------------------------------
# Incidents
# ---------------------------------------------------------------------------------------------


def _claimant_frame(claimants: list[Claimant], places: Places) -> pl.DataFrame:
    rows = []
    peak_lo, peak_hi = _day(PEAK[0]), _day(PEAK[1])
    for c in claimants:
        lo = max(_day(FIRST_DAY), _day(_month_first(c.first_month)))
        hi = min(_day(LAST_DAY), _day(_month_last(c.last_month)))
        perps = [p for p, _ in c.perps] + [c.perps[-1][0]] * (3 - len(c.perps))
        pw = [w for _, w in c.perps]
        metrics = [m for m, _ in c.metrics] + [c.metrics[-1][0]] * (4 - len(c.metrics))
        mw = [w for _, w in c.metrics]
        first, n_towns = places.region_range[c.region]
        # a report every `block` days, so that a report lists about 5 incidents
        block = max(1, min(91, round(5 * (hi - lo + 1) / max(c.incidents, 1))))
        rows.append(
            {
                "c": c.index,
                "actor_id": c.actor_id,
                "claimant_ar": c.name,
                "n": c.incidents,
                "block": block,
                "day_lo": lo,
                "day_hi": hi,
                "peak_lo": max(lo, peak_lo),
                "peak_hi": min(hi, peak_hi),
                "town_lo": first,
                "town_n": n_towns,
                "p0": perps[0],
                "p1": perps[1],
                "p2": perps[2],
                "pc0": pw[0] / sum(pw),
                "pc1": sum(pw[:2]) / sum(pw),
                "m0": metrics[0],
                "m1": metrics[1],
                "m2": metrics[2],
                "m3": metrics[3],
                "mc0": mw[0] / sum(mw),
                "mc1": sum(mw[:2]) / sum(mw),
                "mc2": sum(mw[:3]) / sum(mw),
                "official": c.official,
                "region": c.region,
            }
        )
    return pl.DataFrame(rows)


def _draw_incidents(cf: pl.DataFrame, wanted: pl.DataFrame, offset: int, seed: int) -> pl.DataFrame:
    """Draw ``wanted.n`` candidate incidents per claimant ``c``: perpetrator, metric, day, town."""
    rows = wanted.select(pl.col("c").repeat_by("n").explode()).filter(pl.col("c").is_not_null())
    rows = rows.with_columns((pl.int_range(pl.len(), dtype=pl.Int64) + offset).alias("uid"))
    rows = rows.join(cf, on="c", how="left", maintain_order="left")
    uid = pl.col("uid")
    u_perp, u_metric = _u(uid, seed, 1), _u(uid, seed, 2)
    u_mix, u_day, u_town = _u(uid, seed, 3), _u(uid, seed, 4), _u(uid, seed, 5)
    peak = (pl.col("peak_hi") >= pl.col("peak_lo")) & (u_mix <= 0.6)
    lo = pl.when(peak).then(pl.col("peak_lo")).otherwise(pl.col("day_lo"))
    hi = pl.when(peak).then(pl.col("peak_hi")).otherwise(pl.col("day_hi"))
    day = lo + (u_day * (hi - lo + 1).cast(pl.Float64)).floor().cast(pl.Int64).clip(
        upper_bound=hi - lo
    )
    town = pl.col("town_lo") + (
        (u_town.pow(1.7) * pl.col("town_n").cast(pl.Float64)).floor().cast(pl.Int64)
    ).clip(upper_bound=pl.col("town_n") - 1)
    return rows.select(
        "uid",
        "c",
        pl.when(u_perp <= pl.col("pc0"))
        .then(pl.col("p0"))
        .when(u_perp <= pl.col("pc1"))
        .then(pl.col("p1"))
        .otherwise(pl.col("p2"))
        .alias("perp"),
        pl.when(u_metric <= pl.col("mc0"))
        .then(pl.col("m0"))
        .when(u_metric <= pl.col("mc1"))
        .then(pl.col("m1"))
        .when(u_metric <= pl.col("mc2"))
        .then(pl.col("m2"))
        .otherwise(pl.col("m3"))
        .alias("metric"),
        day.alias("day"),
        town.alias("town"),
    )


def _incident_slots(cf: pl.DataFrame, seed: int) -> pl.DataFrame:
    """Each claimant's incidents, no two on the same (claimant, metric, day, town): draw, drop
    the draws that fall on a taken slot, and draw again for what is missing."""
    metric_code = {m: i for i, m in enumerate(ADDITIVE)}
    slot = (
        (pl.col("c") * 8 + pl.col("metric").replace_strict(metric_code, return_dtype=pl.Int64))
        * 2**32
        + pl.col("day") * 2**13
        + pl.col("town")
    )
    target = cf.select("c", "n")
    parts: list[pl.DataFrame] = []
    taken = pl.Series("slot", [], dtype=pl.Int64)
    have = target.select("c", pl.lit(0, pl.Int64).alias("have"))
    offset = 0
    for _round in range(50):
        short = (
            have.join(target, on="c")
            .with_columns((pl.col("n") - pl.col("have")).alias("short"))
            .filter(pl.col("short") > 0)
        )
        if short.is_empty():
            break
        wanted = short.select("c", (pl.col("short") * 1.15 + 8).ceil().cast(pl.Int64).alias("n"))
        drawn = _draw_incidents(cf, wanted, offset, seed)
        offset += drawn.height
        fresh = (
            drawn.with_columns(slot.alias("slot"))
            .unique("slot", keep="first", maintain_order=True)
            .filter(~pl.col("slot").is_in(taken.implode()))
            .join(short.select("c", "short"), on="c", maintain_order="left")
            .filter(pl.int_range(pl.len()).over("c") < pl.col("short"))
            .drop("short")
        )
        parts.append(fresh.drop("slot"))
        taken = pl.concat([taken, fresh.get_column("slot")])
        counted = fresh.group_by("c").agg(pl.len().cast(pl.Int64).alias("have"))
        have = pl.concat([have, counted]).group_by("c").agg(pl.col("have").sum())
    else:
        raise RuntimeError("could not place every incident in a free (metric, day, town) slot")
    return pl.concat(parts).sort("uid")


def _incidents(cf: pl.DataFrame, places: Places, seed: int) -> pl.DataFrame:
    slots = _incident_slots(cf, seed)
    uid = pl.col("uid")
    u_val, u_q, u_form = _u(uid, seed, 11), _u(uid, seed, 12), _u(uid, seed, 13)
    u_lag, u_tmpl, u_en = _u(uid, seed, 14), _u(uid, seed, 15), _u(uid, seed, 16)
    alpha = pl.col("metric").replace_strict({m: a for m, (a, _) in VALUE_SHAPE.items()})
    cap = pl.col("metric").replace_strict({m: c for m, (_, c) in VALUE_SHAPE.items()})
    v = (u_val.pow(-1.0 / alpha)).floor().cast(pl.Int64).clip(1, cap)
    q = _pick(u_q, QUALIFIER_MIX)
    frame = slots.with_columns(v.alias("v"), q.alias("q0"))
    q0, v = pl.col("q0"), pl.col("v")
    too_small = ((q0 == "vague") & (v < 20)) | ((q0 == "about") & (v < 10))
    qualifier = pl.when(too_small).then(pl.lit("exact")).otherwise(q0)
    frame = frame.with_columns(qualifier.alias("qualifier"))
    vague_value: Any = None
    vague_max: Any = None
    vague_text: Any = None
    for below, phrase, low, high in VAGUE:
        cond = v < below
        vague_value = (pl.when(cond) if vague_value is None else vague_value.when(cond)).then(low)
        vague_max = (pl.when(cond) if vague_max is None else vague_max.when(cond)).then(high)
        vague_text = (pl.when(cond) if vague_text is None else vague_text.when(cond)).then(
            pl.lit(phrase)
        )
    qual = pl.col("qualifier")
    value = (
        pl.when(qual == "about")
        .then(pl.when(v >= 15).then((v + 5) // 10 * 10).otherwise(v))
        .when(qual == "vague")
        .then(vague_value.otherwise(2000))
        .when(qual == "less_than")
        .then(v + 1)
        .otherwise(v)
    )
    value_max = (
        pl.when(qual == "range")
        .then(v + 1 + v // 3)
        .when(qual == "vague")
        .then(vague_max.otherwise(9999))
        .otherwise(pl.lit(None, pl.Int64))
    )
    frame = frame.with_columns(
        value.cast(pl.Int64).alias("value"),
        value_max.cast(pl.Int64).alias("value_max"),
        pl.when(qual == "vague").then(vague_text.otherwise(pl.lit("آلاف"))).alias("vague"),
    ).with_columns(_lower(qual, pl.col("value")).alias("lower"))
    frame = _with_value_text(frame, _pick(u_form, FORM_MIX))
    frame = frame.join(places.towns.drop("place_id"), on="town", how="left").join(
        cf.select("c", "actor_id", "official", "region", "day_lo", "block"), on="c", how="left"
    )
    perp_ar = pl.col("perp").replace_strict({p[0]: p[5] for p in PERPETRATORS})
    perp_en = pl.col("perp").replace_strict({p[0]: p[6] for p in PERPETRATORS})
    hp = _hedged(HEDGE_AR, pl.col("value_text"))
    en_number = (
        pl.when(qual == "vague")
        .then(
            pl.when(pl.col("value") < 200)
            .then(pl.lit("dozens of"))
            .otherwise(pl.lit("hundreds of"))
        )
        .when(qual == "range")
        .then(pl.format("{} and {}", "value", "value_max"))
        .otherwise(pl.col("value").cast(pl.String))
    )
    frame = frame.with_columns(
        hp.alias("hp"),
        perp_ar.alias("perp_ar"),
        (u_tmpl * 6).floor().cast(pl.Int64).alias("tmpl"),
        _day_text(pl.col("day")).alias("day_text"),
        pl.when(u_en <= 0.2).then(_hedged(HEDGE_EN, en_number)).alias("hp_en"),
    )
    named = {"hp": pl.col("hp"), "perp": pl.col("perp_ar"), "town": pl.col("town_ar")}
    quote: Any = None
    for metric, templates in INCIDENT_QUOTES.items():
        for i, template in enumerate(templates):
            cond = (pl.col("metric") == metric) & (pl.col("tmpl") % len(templates) == i)
            value_ = _fill(template, named)
            quote = (pl.when(cond) if quote is None else quote.when(cond)).then(value_)
    # claimed in the report that closes the incident's block of days, up to 2 days late
    lag = (u_lag.pow(3.0) * 3).floor().cast(pl.Int64).clip(0, 2)
    block = pl.col("block")
    report_day = pl.col("day_lo") + ((pl.col("day") - pl.col("day_lo")) // block + 1) * block - 1
    claim_day = report_day + lag
    return frame.select(
        "uid",
        "c",
        pl.lit("incident").alias("kind"),
        "actor_id",
        "perp",
        "metric",
        "day",
        "town",
        claim_day.alias("claim_day"),
        pl.format("{}-{}", "actor_id", _day_text(report_day, "%Y%m%d")).alias("source_id"),
        pl.lit("daily").alias("source_kind"),
        pl.col("day_text").alias("period_start"),
        pl.col("day_text").alias("period_end"),
        "qualifier",
        "value",
        "value_max",
        "value_text",
        pl.when(pl.col("official"))
        .then(pl.lit("acknowledged"))
        .otherwise(pl.lit("alleged"))
        .alias("stance"),
        quote.otherwise(pl.lit(None, pl.String)).alias("quote"),
        _by_metric(
            INCIDENT_QUOTES_EN, {"hp": pl.col("hp_en"), "perp": perp_en, "town": pl.col("town_en")}
        ).alias("quote_en"),
        "lower",
    )


# ---------------------------------------------------------------------------------------------
# Statements: cumulative totals, headlines, stocks
# ---------------------------------------------------------------------------------------------


def _statements(claimants: list[Claimant], seed: int) -> pl.DataFrame:
    rng = random.Random(f"{seed}-statements")
    rows = []
    for c in claimants:
        for s, month in enumerate(c.statements):
            start = _month_first(month + 1)
            claim = start + timedelta(days=rng.randrange(0, 20))
            rows.append(
                {
                    "c": c.index,
                    "s": s,
                    "month": month,
                    "claim_day": _day(claim),
                    "lag": rng.choice((0, 0, 0, 1, 2)),
                    "month_precision": rng.random() < 0.05,
                    "via": "AFP" if rng.random() < 0.1 else None,
                }
            )
    return pl.DataFrame(rows)


def _totals(
    claimants: list[Claimant], statements: pl.DataFrame, incidents: pl.DataFrame, seed: int
) -> pl.DataFrame:
    """Monthly cumulative totals per (claimant, perpetrator, metric) and statement."""
    skeleton = pl.DataFrame(
        [
            {"c": c.index, "g": g, "perp": p, "metric": m}
            for c in claimants
            for g, (p, m) in enumerate(c.groups)
        ]
    )
    restated = pl.DataFrame(
        [{"c": c.index, "s": s, "g": g} for c in claimants for s, g in sorted(c.restated)],
        schema={"c": pl.Int64, "s": pl.Int64, "g": pl.Int64},
    ).with_columns(pl.lit(True).alias("restated"))
    totals = (
        skeleton.join(statements.select("c", "s", "month", "claim_day"), on="c")
        .join(restated, on=["c", "s", "g"], how="left")
        .with_columns(pl.col("restated").fill_null(False))
    )
    monthly = (
        incidents.with_columns(
            (
                (pl.col("day").cast(pl.Int32).cast(pl.Date).dt.year().cast(pl.Int64) - 2014) * 12
                + pl.col("day").cast(pl.Int32).cast(pl.Date).dt.month().cast(pl.Int64)
                - 8
            ).alias("month")
        )
        .group_by("c", "perp", "metric", "month")
        .agg(pl.col("lower").sum().alias("sum"))
        .sort("c", "perp", "metric", "month")
        .with_columns(pl.col("sum").cum_sum().over("c", "perp", "metric").alias("cum"))
    )
    totals = (
        totals.sort("month")
        .join_asof(
            monthly.sort("month").select("c", "perp", "metric", "month", "cum"),
            on="month",
            by=["c", "perp", "metric"],
            strategy="backward",
            check_sortedness=False,
        )
        .with_columns(pl.col("cum").fill_null(0))
        .with_columns((pl.col("cum") + pl.col("cum") * 3 // 100).alias("total"))
        .sort("c", "g", "s")
    )
    total = pl.col("total")
    digits = total.cast(pl.String).str.len_chars().cast(pl.Int64)
    unit = pl.lit(10, pl.Int64).pow((digits - 2).clip(lower_bound=0)).cast(pl.Int64)
    nearest = (total + unit // 2) // unit * unit
    floor_ = total // unit * unit
    can_more = (total % unit != 0) & (floor_ > 0)
    key = pl.col("c") * 1_000_000 + pl.col("g") * 10_000 + pl.col("s")
    choice = _pick(
        _u(key, seed, 21),
        ((0.45, "exact"), (0.3, "at_least"), (0.15, "about"), (0.10, "more_than")),
    )
    totals = totals.with_columns(
        choice.alias("q0"),
        nearest.alias("nearest"),
        floor_.alias("floor"),
        can_more.alias("can_more"),
    )
    q0 = pl.col("q0")
    qualifier = (
        pl.when((q0 == "about") & (total < 10))
        .then(pl.lit("exact"))
        .when((q0 == "more_than") & ~pl.col("can_more"))
        .then(pl.lit("at_least"))
        .otherwise(q0)
    )
    value = (
        pl.when(pl.col("qualifier") == "about")
        .then(pl.col("nearest"))
        .when(pl.col("qualifier") == "more_than")
        .then(pl.col("floor"))
        .otherwise(total)
    )
    totals = totals.with_columns(qualifier.alias("qualifier")).with_columns(value.alias("value"))
    # an update never lowers the lower bound: fall back to the exact total where it would
    previous = total.shift(1).over("c", "g", order_by="s").fill_null(0)
    lower = _lower(pl.col("qualifier"), pl.col("value"))
    fallback = lower < previous
    totals = totals.with_columns(
        pl.when(fallback).then(pl.lit("exact")).otherwise(pl.col("qualifier")).alias("qualifier"),
        pl.when(fallback).then(total).otherwise(pl.col("value")).alias("value"),
    )
    return totals.with_columns(
        _lower(pl.col("qualifier"), pl.col("value")).alias("lower"), previous.alias("previous")
    )


def _distinct_figures(
    totals: pl.DataFrame, headlines: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Within one statement, the totals of different perpetrators and their headlines must not
    agree on metric, qualifier and value (rule duplicates.claim ignores the perpetrator): where
    they do, recode the later ones with another hedge that keeps every bound."""
    keys = ["c", "s", "metric"]
    both = pl.concat(
        [
            totals.select(
                pl.lit(0).alias("h"),
                "c",
                "s",
                "g",
                "metric",
                "qualifier",
                "value",
                "total",
                "previous",
            ),
            headlines.select(
                pl.lit(1).alias("h"),
                "c",
                "s",
                "g",
                "metric",
                "qualifier",
                "value",
                "total",
                pl.lit(0, pl.Int64).alias("previous"),
            ),
        ]
    )
    clashing = both.filter(pl.len().over(*keys, "qualifier", "value") > 1).select(keys).unique()
    if clashing.is_empty():
        return totals, headlines
    rows = both.join(clashing, on=keys).sort(*keys, "h", "g")
    changes = []
    for _, group in rows.group_by(keys, maintain_order=True):
        taken: set[tuple[str, int]] = set()
        for h, c, s, g, _m, qualifier, value, total, previous in group.iter_rows():
            if (qualifier, value) not in taken:
                taken.add((qualifier, value))
                continue
            # hedges whose lower bound lies in [previous, total] and whose (rounded) upper
            # bound is at least total: every bound relation of the original holds
            candidates = [("exact", total), ("at_least", total)]
            if total >= 1:
                candidates.append(("more_than", total - 1))
            candidates += [("at_least", t) for t in range(total - 1, previous - 1, -1) if t % 10]
            new = next((q for q in candidates if q not in taken), None)
            if new is None:
                raise RuntimeError(f"cannot tell apart the figures of statement {(c, s)}")
            taken.add(new)
            changes.append({"h": h, "c": c, "s": s, "g": g, "q_new": new[0], "v_new": new[1]})
    fixes = pl.DataFrame(
        changes,
        schema={
            "h": pl.Int32,
            "c": pl.Int64,
            "s": pl.Int64,
            "g": pl.Int64,
            "q_new": pl.String,
            "v_new": pl.Int64,
        },
    )
    out = []
    for h, frame in ((0, totals), (1, headlines)):
        fix = fixes.filter(pl.col("h") == h).drop("h")
        out.append(
            frame.join(fix, on=["c", "s", "g"], how="left", maintain_order="left")
            .with_columns(
                pl.coalesce("q_new", "qualifier").alias("qualifier"),
                pl.coalesce("v_new", "value").alias("value"),
            )
            .drop("q_new", "v_new")
            .with_columns(_lower(pl.col("qualifier"), pl.col("value")).alias("lower"))
        )
    return out[0], out[1]


def _headlines(totals: pl.DataFrame) -> pl.DataFrame:
    """The restated totals: the same figure in a headline, differently hedged."""
    t = totals.filter("restated")
    q, total = pl.col("qualifier"), pl.col("total")
    qualifier = (
        pl.when(q == "exact")
        .then(pl.when(total >= 10).then(pl.lit("about")).otherwise(pl.lit("at_least")))
        .when(q == "at_least")
        .then(
            pl.when(pl.col("can_more"))
            .then(pl.lit("more_than"))
            .when(total >= 10)
            .then(pl.lit("about"))
            .otherwise(pl.lit("exact"))
        )
        .otherwise(pl.lit("exact"))
    )
    value = (
        pl.when(pl.col("qualifier") == "about")
        .then(pl.col("nearest"))
        .when(pl.col("qualifier") == "more_than")
        .then(pl.col("floor"))
        .otherwise(total)
    )
    return (
        t.with_columns(
            pl.col("qualifier").alias("restates_qualifier"), qualifier.alias("qualifier")
        )
        .with_columns(value.alias("value"))
        .with_columns(_lower(pl.col("qualifier"), pl.col("value")).alias("lower"))
    )


def _statement_claims(
    claimants: list[Claimant],
    statements: pl.DataFrame,
    totals: pl.DataFrame,
    headlines: pl.DataFrame,
    seed: int,
    uid_offset: int,
) -> pl.DataFrame:
    """Totals, headlines and stock claims with the claim columns of incidents."""
    info = pl.DataFrame(
        [
            {
                "c": c.index,
                "actor_id": c.actor_id,
                "claimant_ar": c.name,
                "official": c.official,
                "region": c.region,
                "cum_start": c.cum_start,
                "end_as_day": c.end_as_day,
                "stock": c.stock,
                "main_perp": c.perps[0][0],
                "members": c.actor_id == "cjtf-oir",
            }
            for c in claimants
        ]
    )
    months = pl.DataFrame(
        [
            {
                "month": m,
                "month_end": _day(_month_last(m)),
                "month_ar": f"{MONTHS_AR[_month_first(m).month - 1]} {_month_first(m).year}",
            }
            for m in range(LAST_MONTH + 1)
        ]
    )
    perp_ar = pl.col("perp").replace_strict({p[0]: p[5] for p in PERPETRATORS})
    common = [
        pl.col("region").replace_strict(REGION_PLACES).alias("places"),
        pl.col("cum_start").alias("period_start"),
        pl.when(pl.col("end_as_day"))
        .then(_day_text(pl.col("month_end")))
        .otherwise(_day_text(pl.col("month_end"), "%Y-%m"))
        .alias("period_end"),
    ]

    def fill(frame: pl.DataFrame) -> pl.DataFrame:
        return (
            frame.join(info, on="c", how="left")
            .join(months, on="month", how="left")
            .with_columns(
                pl.col("region").replace_strict(REGION_AR).alias("region_ar"),
                pl.col("cum_start").replace_strict(START_TEXT).alias("start_ar"),
            )
        )

    def columns(frame: pl.DataFrame) -> dict[str, pl.Expr]:
        return {
            "claimant": pl.col("claimant_ar"),
            "perp": perp_ar,
            "region": pl.col("region_ar"),
            "start": pl.col("start_ar"),
            "month": pl.col("month_ar"),
            "hp": _hedged(HEDGE_AR, pl.col("value_text")),
        }

    parts = []
    key = pl.col("c") * 1_000_000 + pl.col("g") * 10_000 + pl.col("s")
    for name, frame, templates in (
        ("total", totals, TOTAL_QUOTES),
        ("headline", headlines, HEADLINE_QUOTES),
    ):
        frame = fill(frame).with_columns(
            pl.lit(None, pl.Int64).alias("value_max"), pl.lit(None, pl.String).alias("vague")
        )
        form = _pick(_u(key, seed, 22 if name == "total" else 23), TOTAL_FORM_MIX)
        if name == "headline":
            form = pl.lit("western")
        frame = _with_value_text(frame, form)
        parts.append(
            frame.select(
                "c",
                "s",
                "g",
                pl.lit(name).alias("kind"),
                "actor_id",
                "perp",
                "metric",
                *common,
                "qualifier",
                "value",
                "value_max",
                "value_text",
                _by_metric(templates, columns(frame)).alias("quote"),
                "lower",
                "claim_day",
                "month",
                "official",
            )
        )
    # stock levels and first-reported deaths, one per statement where the claimant has them
    stm = fill(statements)
    u1 = _u(pl.col("c") * 1_000 + pl.col("s"), seed, 24)
    stock = stm.filter("stock").with_columns(
        pl.lit("reports-open").alias("metric"),
        (5 + (u1 * 300).floor()).cast(pl.Int64).alias("value"),
        pl.lit("exact").alias("qualifier"),
        pl.lit(-1, pl.Int64).alias("g"),
    )
    first = stm.filter("official").with_columns(
        pl.lit("civilian-deaths-first-reported").alias("metric"),
        (1 + (u1 * 60).floor()).cast(pl.Int64).alias("value"),
        pl.lit("exact").alias("qualifier"),
        pl.lit(-2, pl.Int64).alias("g"),
    )
    members = stm.filter(
        pl.col("members") & (pl.col("claim_day").cast(pl.Int32).cast(pl.Date).dt.month() == 2)
    ).with_columns(
        pl.lit("coalition-members").alias("metric"),
        (60 + (u1 * 3).floor() * 5).cast(pl.Int64).alias("value"),
        pl.lit("more_than").alias("qualifier"),
        pl.lit(-3, pl.Int64).alias("g"),
    )
    levels = pl.concat([stock, first, members]).with_columns(
        pl.col("main_perp").alias("perp"),
        pl.lit(None, pl.Int64).alias("value_max"),
        pl.lit(None, pl.String).alias("vague"),
    )
    levels = _with_value_text(levels, pl.lit("western"))
    instant = _day_text(pl.col("claim_day"))
    levels = levels.select(
        "c",
        "s",
        "g",
        pl.lit("level").alias("kind"),
        "actor_id",
        "perp",
        "metric",
        pl.col("region").replace_strict(REGION_PLACES).alias("places"),
        pl.when(pl.col("metric") == "civilian-deaths-first-reported")
        .then(pl.col("cum_start"))
        .otherwise(instant)
        .alias("period_start"),
        pl.when(pl.col("metric") == "civilian-deaths-first-reported")
        .then(_day_text(pl.col("month_end")))
        .otherwise(instant)
        .alias("period_end"),
        "qualifier",
        "value",
        "value_max",
        "value_text",
        pl.when(pl.col("metric") == "reports-open")
        .then(pl.format("لا يزال هناك {} تقريراً حول سقوط ضحايا مدنيين قيد التقييم", "value_text"))
        .when(pl.col("metric") == "coalition-members")
        .then(pl.format("التحالف الذي يضم أكثر من {} دولة", "value_text"))
        .otherwise(
            pl.format("{} قتيلاً مدنياً سقطوا منذ {} ولم يعلن عنهم من قبل", "value_text", "start_ar")
        )
        .alias("quote"),
        pl.lit(None, pl.Int64).alias("lower"),
        "claim_day",
        "month",
        "official",
    )
    parts.append(levels)
    claims = pl.concat(parts, how="vertical_relaxed")
    claims = claims.sort("c", "s", "g", "kind").with_columns(
        (pl.int_range(pl.len(), dtype=pl.Int64) + uid_offset).alias("uid")
    )
    return claims.select(
        "uid",
        "c",
        "s",
        "g",
        "kind",
        "actor_id",
        "perp",
        "metric",
        pl.lit(None, pl.Int64).alias("day"),
        pl.lit(None, pl.Int64).alias("town"),
        "claim_day",
        pl.format("{}-{}-statement", "actor_id", _day_text(pl.col("claim_day"), "%Y%m%d")).alias(
            "source_id"
        ),
        pl.lit("statement").alias("source_kind"),
        "period_start",
        "period_end",
        "places",
        "qualifier",
        "value",
        "value_max",
        "value_text",
        pl.when(pl.col("official"))
        .then(pl.lit("acknowledged"))
        .otherwise(pl.lit("alleged"))
        .alias("stance"),
        "quote",
        pl.lit(None, pl.String).alias("quote_en"),
        "lower",
        "month",
    )


# ---------------------------------------------------------------------------------------------
# The package
# ---------------------------------------------------------------------------------------------

CLAIM_COLUMNS = (
    "claim_id", "source_id", "claimant_id", "perpetrator_id", "claim_date", "metric", "places",
    "period_start", "period_end", "qualifier", "value", "value_max", "value_text", "stance",
    "quote", "quote_lang", "quote_en", "notes",
)  # fmt: skip


@dataclass
class Build:
    """The package in memory: claims with helper columns, and the other tables."""

    claims: pl.DataFrame
    relations: pl.DataFrame
    sources: pl.DataFrame
    actors: pl.DataFrame
    places: pl.DataFrame
    towns: pl.DataFrame
    texts: dict[str, str]  # text_path -> text
    claimants: list[Claimant]


def _max_uid(frame: pl.DataFrame) -> int:
    top = frame.get_column("uid").max()
    return int(cast(int, top)) if top is not None else 0


def _build(claims: int, seed: int, skew: float | None) -> Build:
    rng = random.Random(seed)
    claimants = _plan_claimants(claims, skew, rng)
    places = _places(random.Random(f"{seed}-places"))
    cf = _claimant_frame(claimants, places)
    incidents = _incidents(cf, places, seed)
    statements = _statements(claimants, seed)
    totals = _totals(claimants, statements, incidents, seed)
    headlines = _headlines(totals)
    totals, headlines = _distinct_figures(totals, headlines)
    stated = _statement_claims(
        claimants, statements, totals, headlines, seed, _max_uid(incidents) + 1
    )
    incidents = incidents.join(
        places.towns.select("town", pl.col("place_id").alias("places")), on="town", how="left"
    ).with_columns(
        (
            (pl.col("day").cast(pl.Int32).cast(pl.Date).dt.year().cast(pl.Int64) - 2014) * 12
            + pl.col("day").cast(pl.Int32).cast(pl.Date).dt.month().cast(pl.Int64)
            - 8
        ).alias("month"),
        pl.lit(None, pl.Int64).alias("s"),
        pl.lit(None, pl.Int64).alias("g"),
    )
    columns = stated.columns
    everything = pl.concat([incidents.select(columns), stated], how="vertical_relaxed")
    relations = _relations(everything, seed)
    # row order: by claim date, as a curated file grows; ids from the claimant and the row
    everything = everything.sort("claim_day", "uid").with_columns(
        pl.format("{}-{}", "actor_id", pl.int_range(1, pl.len() + 1)).alias("claim_id"),
        _day_text(pl.col("claim_day")).alias("claim_date"),
    )
    ids = everything.select("uid", "claim_id")
    relations = (
        relations.join(ids, on="uid")
        .join(ids.rename({"uid": "related_uid", "claim_id": "related_claim_id"}), on="related_uid")
        .sort("row")
        .select("claim_id", "relation", "related_claim_id", "note", "uid", "related_uid")
    )
    sources = _sources(everything, statements, claimants, seed)
    text_sources = set(sources.filter(pl.col("text_path").is_not_null())["source_id"].to_list())
    everything = everything.with_columns(
        pl.col("source_id")
        .is_in(pl.Series(sorted(text_sources), dtype=pl.String).implode())
        .alias("text_source"),
        pl.lit(None, pl.String).alias("notes"),
        pl.col("uid")
        .is_in(pl.concat([relations["uid"], relations["related_uid"]]).implode())
        .alias("related"),
    )
    texts = _texts(everything.filter("text_source"), sources)
    return Build(
        everything,
        relations,
        sources,
        _actors(claimants),
        places.frame,
        places.towns,
        texts,
        claimants,
    )


def _relations(claims: pl.DataFrame, seed: int) -> pl.DataFrame:
    """updates chains, part_of links, restatements and disputes, by uid."""
    totals = claims.filter(pl.col("kind") == "total")
    levels = claims.filter(pl.col("kind") == "level")
    chains = []
    for frame in (totals, levels):
        chains.append(
            frame.sort("c", "g", "s")
            .with_columns(pl.col("uid").shift(1).over("c", "g", "metric").alias("related_uid"))
            .filter(pl.col("related_uid").is_not_null())
            .select(
                "uid",
                pl.lit("updates").alias("relation"),
                "related_uid",
                pl.lit(None, pl.String).alias("note"),
                "claim_day",
            )
        )
    headlines = (
        claims.filter(pl.col("kind") == "headline")
        .join(totals.select("c", "s", "g", pl.col("uid").alias("related_uid")), on=["c", "s", "g"])
        .select(
            "uid",
            pl.lit("restates").alias("relation"),
            "related_uid",
            pl.lit("The headline rounds the statement's figure.").alias("note"),
            "claim_day",
        )
    )
    incidents = claims.filter(pl.col("kind") == "incident")
    flagged = incidents.filter(_u(pl.col("uid"), seed, 31) <= 0.02).sort("month")
    wholes = totals.select("c", "perp", "metric", "month", pl.col("uid").alias("related_uid"))
    part_of = (
        flagged.join_asof(
            wholes.sort("month"),
            on="month",
            by=["c", "perp", "metric"],
            strategy="forward",
            check_sortedness=False,
        )
        .filter(pl.col("related_uid").is_not_null())
        .select(
            "uid",
            pl.lit("part_of").alias("relation"),
            "related_uid",
            pl.lit(None, pl.String).alias("note"),
            "claim_day",
        )
    )
    # disputes: another claimant's civilian-deaths total against the largest claimant's latest
    deaths = totals.filter(pl.col("metric") == "civilian-deaths")
    target_c = deaths.group_by("c").len().sort("len", "c", descending=[True, False])
    disputes = pl.DataFrame()
    if not target_c.is_empty():
        target = target_c["c"][0]
        disputers = deaths.filter(
            (pl.col("c") != target) & (_u(pl.col("uid"), seed, 32) <= 0.03)
        ).sort("claim_day")
        targets = (
            deaths.filter(pl.col("c") == target)
            .select("claim_day", pl.col("uid").alias("related_uid"))
            .sort("claim_day")
        )
        disputes = (
            disputers.join_asof(targets, on="claim_day", strategy="backward")
            .filter(pl.col("related_uid").is_not_null())
            .select(
                "uid",
                pl.lit("disputes").alias("relation"),
                "related_uid",
                pl.lit("Rejects the figure as far too low.").alias("note"),
                "claim_day",
            )
        )
    frames = [*chains, headlines, part_of] + ([disputes] if disputes.height else [])
    out = pl.concat(frames, how="vertical_relaxed").sort("claim_day", "uid", "relation")
    return out.drop("claim_day").with_row_index("row")


def _sources(
    claims: pl.DataFrame, statements: pl.DataFrame, claimants: list[Claimant], seed: int
) -> pl.DataFrame:
    names = pl.DataFrame(
        [{"c": c.index, "claimant_ar": c.name, "claimant_en": c.name_en} for c in claimants]
    )
    firsts = (
        claims.group_by("source_id")
        .agg(
            pl.col("c").first(),
            pl.col("claim_day").max(),
            pl.col("source_kind").first(),
            pl.col("s").first(),
        )
        .join(names, on="c", how="left")
        .join(
            statements.select("c", "s", "lag", "month_precision", "via"), on=["c", "s"], how="left"
        )
        .sort("claim_day", "source_id")
    )
    n = firsts.height
    share = min(0.02, 500 / n) if n else 0.0
    idx = pl.int_range(pl.len(), dtype=pl.Int64)
    published = pl.col("claim_day") + pl.col("lag").fill_null(0)
    statement = pl.col("source_kind") == "statement"
    date_ar = _day_text(pl.col("claim_day"))
    return firsts.select(
        "source_id",
        pl.when(statement)
        .then(pl.format("بيان {} الشهري ({})", "claimant_ar", date_ar))
        .otherwise(pl.format("تقرير {} اليومي ({})", "claimant_ar", date_ar))
        .alias("title"),
        pl.when(statement)
        .then(pl.format("{}: monthly statement of {}", "claimant_en", date_ar))
        .otherwise(pl.format("{}: daily report of {}", "claimant_en", date_ar))
        .alias("title_en"),
        pl.col("claimant_ar").alias("publisher"),
        pl.col("via"),
        pl.when(_u(idx, seed, 41) <= 0.5)
        .then(pl.format("https://example.org/{}", pl.col("source_id").str.replace_all("-", "/")))
        .alias("url"),
        pl.when(pl.col("month_precision").fill_null(False))
        .then(_day_text(published, "%Y-%m"))
        .otherwise(_day_text(published))
        .alias("published_date"),
        pl.lit("ar").alias("language"),
        pl.when(_u(idx, seed, 42) <= share)
        .then(pl.format("data/sources/{}.txt", "source_id"))
        .alias("text_path"),
        pl.lit(None, pl.String).alias("notes"),
    )


def _texts(claims: pl.DataFrame, sources: pl.DataFrame) -> dict[str, str]:
    """The archived text of each source with a text_path: its title and its quotes."""
    by_source = (
        claims.sort("claim_id")
        .group_by("source_id", maintain_order=True)
        .agg(pl.col("quote"))
        .join(sources.select("source_id", "title", "text_path"), on="source_id")
    )
    texts = {}
    for _source_id, quotes, title, text_path in by_source.iter_rows():
        body = "\n\n".join(f"{q}." for q in quotes)
        texts[text_path] = f"{title}\n\n{body}\n\nآخر تحديث\n"
    return texts


# ---------------------------------------------------------------------------------------------
# Faults
# ---------------------------------------------------------------------------------------------

FAULT_QUOTE = {  # a quote for an added claim: the metric's keyword and {vt}
    "civilian-deaths": "قتل {vt} مدني في {town}",
    "airstrikes": "شن {perp} {vt} غارة على {town}",
    "bodies-found": "انتشال {vt} جثة في {town}",
    "reports-non-credible": "{vt} تقارير غير موثوقة عن {town}",
    "civilian-deaths-first-reported": "{vt} قتيلاً مدنياً في {place} لم يعلن عنهم من قبل",
}
NO_KEYWORD_QUOTE = "وثق المصدر {vt} حالة في {town}"


class _Planter:
    """Plants faults on a Build; each fault uses claims and (claimant, metric, month) cells
    no other fault touches, so that each raises exactly its one finding."""

    def __init__(self, build: Build, seed: int) -> None:
        self.b = build
        self.seed = seed
        self.faults: list[PlantedFault] = []
        self.used: set[int] = set()  # uids
        self.cells: set[tuple[int, str, int]] = set()  # (claimant, metric, month)
        self.added: list[dict[str, Any]] = []
        self.changes: dict[str, dict[int, Any]] = {}  # column -> uid -> new value
        self.new_relations: list[dict[str, str | None]] = []
        self.sources_changed: dict[str, str] = {}  # source_id -> published_date
        self.next_uid = _max_uid(build.claims) + 1
        self.counter = 0
        incidents = build.claims.filter(pl.col("kind") == "incident")
        # a deterministic sample to choose from, large enough for every fault
        self.pool = (
            incidents.filter(~pl.col("related"))
            .with_columns(_u(pl.col("uid"), seed, 51).alias("order"))
            .sort("order")
            .head(max(5000, 200))
        )
        self.towns = dict(build.towns.select("town", "town_ar").iter_rows())

    # --- bookkeeping ----------------------------------------------------------------------

    def record(self, rule: str, resource: str, key: str, field_: str, note: str) -> None:
        self.faults.append(PlantedFault(rule, SEVERITY[rule], resource, key, field_, note))

    def set(self, uid: int, **values: Any) -> None:
        for column, value in values.items():
            self.changes.setdefault(column, {})[uid] = value

    def take(self, where: Callable[[dict[str, Any]], bool], cells: bool = True) -> dict[str, Any]:
        for row in self.pool.iter_rows(named=True):
            cell = (row["c"], row["metric"], row["month"])
            if row["uid"] in self.used or (cells and cell in self.cells):
                continue
            if not where(row):
                continue
            self.used.add(row["uid"])
            self.cells.add(cell)
            return row
        raise ValueError("the package is too small for the faults asked for")

    def new_claim(self, base: dict[str, Any], **values: Any) -> dict[str, Any]:
        self.counter += 1
        row = {c: base.get(c) for c in self.b.claims.columns}
        row.update(
            uid=self.next_uid,
            claim_id=f"{base['actor_id']}-fault-{self.counter}",
            quote_en=None,
            related=True,
            text_source=False,
        )
        row.update(values)
        self.next_uid += 1
        self.added.append(row)
        self.used.add(self.next_uid - 1)
        return row

    def quote_for(self, metric: str, vt: str, row: dict[str, Any]) -> str:
        perp = next(p[5] for p in PERPETRATORS if p[0] == row["perp"])
        return FAULT_QUOTE[metric].format(
            vt=vt, town=self.towns.get(row["town"], ""), perp=perp, place=REGION_AR["both"]
        )

    def plain(self, row: dict[str, Any]) -> bool:
        return row["qualifier"] == "exact" and str(row["value_text"]).isascii()

    # --- the faults -----------------------------------------------------------------------

    def plant(self, k: int) -> None:
        for _ in range(k):
            for rule in FAULT_RULES:
                getattr(self, "_" + rule.replace(".", "_").replace("-", "_"))()

    def _dates_calendar(self) -> None:
        row = self.take(lambda r: not r["text_source"])
        year = str(row["claim_date"])[:4]
        self.set(row["uid"], claim_date=f"{year}-02-30")
        self.record(
            "dates.calendar",
            "claims",
            row["claim_id"],
            "claim_date",
            "claim_date set to 30 February",
        )

    def _dates_order(self) -> None:
        row = self.take(lambda r: r["day"] >= _day(date(2015, 1, 1)))
        before = date.fromisoformat(str(row["period_end"])) - timedelta(days=3)
        self.set(row["uid"], claim_date=before.isoformat())
        self.record(
            "dates.order",
            "claims",
            row["claim_id"],
            "claim_date",
            "claim_date three days before period_end",
        )

    def _dates_coverage(self) -> None:
        row = self.take(lambda r: r["source_id"] not in self.sources_changed)
        self.sources_changed[row["source_id"]] = "2099-01-01"
        self.record(
            "dates.coverage",
            "sources",
            row["source_id"],
            "published_date",
            "published_date in 2099, after today",
        )

    def _dates_stock_instant(self) -> None:
        levels = self.b.claims.filter(
            (pl.col("metric") == "reports-open") & ~pl.col("uid").is_in(list(self.used))
        ).sort(_u(pl.col("uid"), self.seed, 52))
        if levels.is_empty():
            raise ValueError("the package is too small for the faults asked for")
        row = levels.row(0, named=True)
        self.used.add(row["uid"])
        start = date.fromisoformat(str(row["period_end"])) - timedelta(days=30)
        self.set(row["uid"], period_start=start.isoformat())
        self.record(
            "dates.stock-instant",
            "claims",
            row["claim_id"],
            "period_end",
            "a stock claim whose period starts 30 days before its instant",
        )

    def _counts_bounds(self) -> None:
        row = self.take(self.plain)
        self.set(row["uid"], value_max=str(int(row["value"]) + 5))
        self.record(
            "counts.bounds", "claims", row["claim_id"], "value_max", "value_max on an exact claim"
        )

    def _refs_places(self) -> None:
        row = self.take(lambda r: True)
        self.set(row["uid"], places=f"atlantis-{self.counter + len(self.faults)}")
        self.record(
            "refs.places",
            "claims",
            row["claim_id"],
            "places",
            "places names a place that does not exist",
        )

    def _refs_cycle(self) -> None:
        row = self.take(lambda r: True)
        self.relate(row["claim_id"], "disputes", row["claim_id"], "Planted: related to itself.")
        key = f"{row['claim_id']}, disputes, {row['claim_id']}"
        self.record(
            "refs.cycle", "relations", key, "related_claim_id", "a claim that disputes itself"
        )

    def _quote_value(self) -> None:
        row = self.take(lambda r: self.plain(r) and int(r["value"]) >= 2)
        self.set(row["uid"], value=str(int(row["value"]) - 1))
        self.record(
            "quote.value", "claims", row["claim_id"], "value", "value one less than value_text says"
        )

    def _quote_source_text(self) -> None:
        row = self.take(lambda r: r["text_source"], cells=False)
        self.set(row["uid"], quote=f"عاجل: {row['quote']}")
        self.record(
            "quote.source-text",
            "claims",
            row["claim_id"],
            "quote",
            "quote prefixed with a word the archived text lacks",
        )

    def _quote_qualifier(self) -> None:
        row = self.take(lambda r: not r["text_source"] and r["qualifier"] == "at_least")
        self.set(row["uid"], qualifier="exact")  # its quote says "ما لا يقل عن"
        self.record(
            "quote.qualifier",
            "claims",
            row["claim_id"],
            "qualifier",
            "an 'at least' claim coded exact",
        )

    def _quote_keywords(self) -> None:
        row = self.take(lambda r: not r["text_source"] and r["qualifier"] == "exact")
        quote = NO_KEYWORD_QUOTE.format(vt=row["value_text"], town=self.towns[row["town"]])
        self.set(row["uid"], quote=quote)
        self.record(
            "quote.keywords",
            "claims",
            row["claim_id"],
            "quote",
            "quote without any keyword of its metric",
        )

    def _series_nesting(self) -> None:
        row = self.take(lambda r: not r["text_source"] and int(r["lower"]) >= 2)
        self.new_claim(
            row,
            qualifier="exact",
            value="1",
            value_max=None,
            value_text="1",
            quote=self.quote_for(row["metric"], "1", row),
        )
        self.record(
            "series.nesting",
            "claims",
            row["claim_id"],
            "value",
            "a claim of the same claimant, metric, day and town says exactly 1",
        )

    def _series_rounding(self) -> None:
        row = self.take(lambda r: not r["text_source"] and int(r["lower"]) >= 20)
        self.new_claim(
            row,
            qualifier="at_least",
            value="10",
            value_max=None,
            value_text="10",
            quote=self.quote_for(row["metric"], "ما لا يقل عن 10", row),
        )
        self.record(
            "series.rounding",
            "claims",
            row["claim_id"],
            "value",
            "a claim of the same claimant, metric, day and town says at least 10",
        )

    def _cell(self, row: dict[str, Any]) -> pl.DataFrame:
        return self.b.claims.filter(
            (pl.col("kind") == "incident")
            & (pl.col("c") == row["c"])
            & (pl.col("perp") == row["perp"])
            & (pl.col("metric") == row["metric"])
            & (pl.col("month") == row["month"])
        )

    def _relations_parts_sum(self) -> None:
        def fits(r: dict[str, Any]) -> bool:
            cell = self._cell(r)
            return cell.filter(pl.col("lower") >= 1).height >= 2 and not cell["text_source"].any()

        row = self.take(lambda r: not r["text_source"] and fits(r))
        cell = self._cell(row).filter(~pl.col("uid").is_in(list(self.used - {row["uid"]})))
        cell = cell.sort("lower", "uid", descending=[True, False])
        biggest, other = (
            cell.row(0, named=True),
            cell.filter(pl.col("lower") >= 1).row(1, named=True),
        )
        self.used.update({biggest["uid"], other["uid"]})
        month = str(row["period_start"])[:7]
        latest = cell.sort("claim_day").row(-1, named=True)
        whole_value = str(int(biggest["lower"]))
        places = next(REGION_PLACES[c.region] for c in self.b.claimants if c.index == row["c"])
        whole = self.new_claim(
            latest,
            period_start=month,
            period_end=month,
            places=places,
            qualifier="exact",
            value=whole_value,
            value_max=None,
            value_text=whole_value,
            quote=self.quote_for(row["metric"], whole_value, row),
        )
        for part in (biggest, other):
            self.relate(part["claim_id"], "part_of", whole["claim_id"], "Planted part.")
        self.record(
            "relations.parts-sum",
            "claims",
            whole["claim_id"],
            "value",
            "two disjoint parts of a month's count add up to more than it",
        )

    def _relations_part_of(self) -> None:
        row = self.take(lambda r: not r["text_source"])
        month = str(row["period_start"])[:7]
        value = str(int(row["lower"]) + 5)
        places = next(REGION_PLACES[c.region] for c in self.b.claimants if c.index == row["c"])
        whole = self.new_claim(
            row,
            metric="civilian-deaths-first-reported",
            period_start=month,
            period_end=month,
            places=places,
            qualifier="exact",
            value=value,
            value_max=None,
            value_text=value,
            quote=self.quote_for("civilian-deaths-first-reported", value, row),
        )
        self.relate(row["claim_id"], "part_of", whole["claim_id"], "Planted: another metric.")
        self.record(
            "relations.part-of",
            "relations",
            f"{row['claim_id']}, part_of, {whole['claim_id']}",
            "metric",
            "part_of a claim of another metric",
        )

    def _relations_updates(self) -> None:
        rows = [r for r in self.pool.iter_rows(named=True) if r["uid"] not in self.used]

        def partner(first: dict[str, Any]) -> dict[str, Any] | None:
            return next(
                (
                    r
                    for r in rows
                    if r["uid"] != first["uid"]
                    and r["uid"] not in self.used
                    and r["c"] == first["c"]
                    and r["metric"] == first["metric"]
                    and r["claim_day"] >= first["claim_day"]
                ),
                None,
            )

        first = self.take(lambda r: partner(r) is not None)
        later = partner(first)
        assert later is not None
        self.used.add(later["uid"])
        self.relate(first["claim_id"], "updates", later["claim_id"], "Planted: backwards.")
        self.record(
            "relations.updates",
            "relations",
            f"{first['claim_id']}, updates, {later['claim_id']}",
            "claim_date",
            "updates a claim made no earlier",
        )

    def _relations_restates(self) -> None:
        incidents = self.b.claims.filter(pl.col("kind") == "incident")

        def free(r: dict[str, Any]) -> bool:
            if r["day"] - 1 < _day(FIRST_DAY) or r["text_source"]:
                return False
            return incidents.filter(
                (pl.col("c") == r["c"])
                & (pl.col("metric") == r["metric"])
                & (pl.col("day") == r["day"] - 1)
                & (pl.col("town") == r["town"])
            ).is_empty()

        row = self.take(free)
        day_before = _day_text(pl.lit(row["day"] - 1))
        before = pl.select(day_before).item()
        other = self.new_claim(
            row,
            period_start=before,
            period_end=before,
            qualifier="at_least",
            value="1",
            value_max=None,
            value_text="1",
            quote=self.quote_for(row["metric"], "ما لا يقل عن 1", row),
        )
        self.relate(row["claim_id"], "restates", other["claim_id"], "Planted: another day.")
        self.record(
            "relations.restates",
            "relations",
            f"{row['claim_id']}, restates, {other['claim_id']}",
            "period",
            "restates a claim about the day before",
        )

    def _duplicates_claim(self) -> None:
        row = self.take(lambda r: True)
        copy = self.new_claim(row)
        self.record(
            "duplicates.claim",
            "claims",
            copy["claim_id"],
            "claim_id",
            "an exact copy of another claim under a new claim_id",
        )

    def _cells_formula(self) -> None:
        row = self.take(lambda r: True)
        self.set(row["uid"], notes='=HYPERLINK("https://example.org/x","source")')
        self.record(
            "cells.formula",
            "claims",
            row["claim_id"],
            "notes",
            "notes start like a spreadsheet formula",
        )

    def _cells_control(self) -> None:
        row = self.take(lambda r: True)
        self.set(row["uid"], notes="Scanned page;\x07 part of the text is unreadable.")
        self.record(
            "cells.control", "claims", row["claim_id"], "notes", "notes hold a BEL character"
        )

    def _cells_bidi(self) -> None:
        row = self.take(lambda r: True)
        self.set(row["uid"], notes="Checked against the \u202estatement\u202c of the day.")
        self.record(
            "cells.bidi", "claims", row["claim_id"], "notes", "notes hold a right-to-left override"
        )

    def _type_error(self) -> None:
        row = self.take(lambda r: True)
        self.set(row["uid"], value=f"{row['value']}.5")
        self.record("type-error", "claims", row["claim_id"], "value", "value is not an integer")

    def _constraint_error(self) -> None:
        row = self.take(lambda r: True)
        self.set(row["uid"], stance="claimed")
        self.record(
            "constraint-error", "claims", row["claim_id"], "stance", "stance is not one of the enum"
        )

    def _primary_key(self) -> None:
        taken = {(r["claim_id"], r["relation"], r["related_claim_id"]) for r in self.new_relations}
        relations = self.b.relations.filter(
            ~pl.col("uid").is_in(list(self.used)) & ~pl.col("related_uid").is_in(list(self.used))
        )
        index = len([f for f in self.faults if f.rule == "primary-key"])
        candidates = relations.filter(pl.col("relation") == "disputes")
        if candidates.height <= index:
            candidates = relations
        row = candidates.row(index, named=True)
        assert (row["claim_id"], row["relation"], row["related_claim_id"]) not in taken
        self.used.update({row["uid"], row["related_uid"]})
        self.relate(row["claim_id"], row["relation"], row["related_claim_id"], row["note"])
        key = f"{row['claim_id']}, {row['relation']}, {row['related_claim_id']}"
        self.record("primary-key", "relations", key, "claim_id", "the relation is listed twice")

    def _foreign_key(self) -> None:
        row = self.take(lambda r: True)
        self.set(row["uid"], source_id=f"missing-source-{len(self.faults) + 1}")
        self.record(
            "foreign-key", "claims", row["claim_id"], "source_id", "source_id names no source"
        )

    def relate(self, claim: str, relation: str, related: str, note: str | None) -> None:
        self.new_relations.append(
            {"claim_id": claim, "relation": relation, "related_claim_id": related, "note": note}
        )


def _plant(build: Build, faults: int, seed: int) -> tuple[Build, list[PlantedFault]]:
    planter = _Planter(build, seed)
    planter.plant(faults)
    claims = build.claims.with_columns(
        pl.col("value").cast(pl.String), pl.col("value_max").cast(pl.String)
    )
    for column, changes in planter.changes.items():
        mapping = pl.DataFrame(
            {"uid": list(changes), "__new": [str(v) for v in changes.values()]},
            schema={"uid": pl.Int64, "__new": pl.String},
        )
        claims = (
            claims.join(mapping, on="uid", how="left")
            .with_columns(pl.coalesce("__new", pl.col(column).cast(pl.String)).alias(column))
            .drop("__new")
        )
    if planter.added:
        added = pl.DataFrame(
            {c: [row.get(c) for row in planter.added] for c in claims.columns},
            schema=claims.schema,
            strict=False,
        )
        claims = pl.concat([claims, added])
    relations = build.relations
    if planter.new_relations:
        relations = pl.concat(
            [
                relations,
                pl.DataFrame(
                    planter.new_relations,
                    schema={
                        "claim_id": pl.String,
                        "relation": pl.String,
                        "related_claim_id": pl.String,
                        "note": pl.String,
                    },
                ),
            ],
            how="diagonal",
        )
    sources = build.sources
    if planter.sources_changed:
        changed = planter.sources_changed
        sources = sources.with_columns(
            pl.col("source_id")
            .replace_strict(changed, default=pl.col("published_date"), return_dtype=pl.String)
            .alias("published_date")
        )
    out = Build(
        claims,
        relations,
        sources,
        build.actors,
        build.places,
        build.towns,
        build.texts,
        build.claimants,
    )
    return out, planter.faults


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


def _field_names(descriptor: dict[str, Any]) -> dict[str, list[str]]:
    return {r["name"]: [f["name"] for f in r["schema"]["fields"]] for r in descriptor["resources"]}


def _write_csv(frame: pl.DataFrame, columns: list[str], path: Path) -> None:
    missing = [c for c in columns if c not in frame.columns]
    frame = frame.with_columns(pl.lit(None, pl.String).alias(c) for c in missing)
    frame.select(pl.col(c).cast(pl.String) for c in columns).write_csv(
        path, line_terminator="\n", quote_style="necessary"
    )


def _prepare_out(out_dir: Path) -> None:
    if (out_dir / "datapackage.json").exists() and not (out_dir / "generated.json").exists():
        raise FileExistsError(
            f"{out_dir} holds a package the generator did not write; not touching it"
        )
    if (out_dir / "data").exists():
        shutil.rmtree(out_dir / "data")
    for name in ("faults.json", "generated.json"):
        (out_dir / name).unlink(missing_ok=True)
    (out_dir / "data" / "sources").mkdir(parents=True)


def generate(
    out_dir: Path, claims: int, *, seed: int = 0, skew: float | None = None, faults: int = 0
) -> GeneratedPackage:
    """Write a package of about ``claims`` claims (exactly ``claims`` without faults; the
    faults add a few) to ``out_dir``, and describe it."""
    started = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    _prepare_out(out_dir)
    build = _build(claims, seed, skew)
    planted: list[PlantedFault] = []
    if faults:
        build, planted = _plant(build, faults, seed)
    descriptor = json.loads(CANONICAL.read_text(encoding="utf-8"))
    fields = _field_names(descriptor)
    claims_out = build.claims.with_columns(
        pl.col("actor_id").alias("claimant_id"),
        pl.col("perp").alias("perpetrator_id"),
        pl.lit("ar").alias("quote_lang"),
    )
    data = out_dir / "data"
    _write_csv(claims_out, fields["claims"], data / "claims.csv")
    _write_csv(build.sources, fields["sources"], data / "sources.csv")
    _write_csv(build.actors, fields["actors"], data / "actors.csv")
    shutil.copy(ROOT / "data" / "metrics.csv", data / "metrics.csv")
    _write_csv(build.places, fields["places"], data / "places.csv")
    _write_csv(build.relations, fields["relations"], data / "relations.csv")
    for text_path, text in build.texts.items():
        (out_dir / text_path).write_text(text, encoding="utf-8")
    for archived in (ROOT / "data" / "sources").glob("*.txt"):  # named by descriptor.sources
        shutil.copy(archived, data / "sources" / archived.name)
    _write_descriptor(out_dir / "datapackage.json")
    rows = {
        "claims": build.claims.height,
        "sources": build.sources.height,
        "actors": build.actors.height,
        "metrics": _count_rows(data / "metrics.csv"),
        "places": build.places.height,
        "relations": build.relations.height,
    }
    size = sum(p.stat().st_size for p in data.rglob("*") if p.is_file())
    result = GeneratedPackage(
        out_dir,
        build.claims.height,
        rows,
        planted,
        seed,
        skew,
        round(time.perf_counter() - started, 2),
        len(build.texts),
        size,
    )
    if faults:
        (out_dir / "faults.json").write_text(
            json.dumps([asdict(f) for f in planted], ensure_ascii=False, indent=1) + "\n",
            encoding="utf-8",
        )
    manifest = {
        "generator": GENERATOR_VERSION,
        "claims_asked": claims,
        "seed": seed,
        "skew": skew,
        "faults_per_rule": faults,
        "rows": rows,
        "source_texts": len(build.texts),
        "bytes": size,
        "seconds": result.seconds,
        "largest_claimant_share": round(max(c.size for c in build.claimants) / max(claims, 1), 4),
        "claimants": len(build.claimants),
    }
    (out_dir / "generated.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return result


def _count_rows(path: Path) -> int:
    return pl.read_csv(path, infer_schema=False).height


def read_faults(root: Path) -> list[PlantedFault]:
    path = Path(root) / "faults.json"
    if not path.exists():
        return []
    return [PlantedFault(**f) for f in json.loads(path.read_text(encoding="utf-8"))]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.generate", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("out", type=Path, help="directory to write the package to")
    parser.add_argument("--claims", type=int, default=100_000, help="number of claims")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--skew", type=float, default=None, help="share of claims of the largest claimant"
    )
    parser.add_argument(
        "--faults", type=int, default=0, help="faults to plant per rule (recorded in faults.json)"
    )
    args = parser.parse_args(argv)
    result = generate(args.out, args.claims, seed=args.seed, skew=args.skew, faults=args.faults)
    print(
        f"{result.root}: {result.rows} rows, {result.bytes / 1e6:.1f} MB, "
        f"{len(result.faults)} planted faults, {result.source_texts} source texts, "
        f"{result.seconds:.1f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
