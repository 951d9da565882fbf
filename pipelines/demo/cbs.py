"""Deterministic SYNTHETIC CBS snapshots for the demo region, in the exact shape of the OData v3 responses.

The output goes through the same snapshot store and loader as a live CBS fetch. It reproduces CBS's quirks:
column suffixes that change per edition, space-padded keys, wijk counts randomly rounded to a multiple of 5,
small care counts (0-7) shown as secret (null in the TypedDataSet). Every title says it is synthetic and every
manifest carries ``"synthetic": true``.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime

from pipelines.demo.geography import DEMO_GEMEENTEN, Gemeente, Wijk
from pipelines.demo.odata import SYNTHETIC_LABEL, number_properties, pad, topic_keys, v3_documents
from pipelines.sources.cbs.registry import TableFamily
from pipelines.sources.cbs.snapshots import Snapshot, SnapshotStore

SEED = "sociale-basis-monitor-demo-v1"
DEMO_YEARS = range(2017, 2024)
AGE_SHARES = {"k_0Tot15Jaar": 0.16, "k_15Tot25Jaar": 0.13, "k_25Tot45Jaar": 0.24, "k_45Tot65Jaar": 0.27}


def rng(*parts: object) -> random.Random:
    """A random stream fixed by its name: the same parts give the same numbers on every machine."""
    return random.Random(":".join((SEED, *map(str, parts))))


def round_to_5(value: float, r: random.Random) -> int:
    """CBS's random rounding of wijk and buurt counts to a multiple of 5 (unbiased in expectation)."""
    low = int(value // 5) * 5
    return low + 5 if r.random() < (value - low) / 5 else low


def _wijk_figures(wijk: Wijk, year: int) -> tuple[float, float]:
    """Unrounded (inhabitants, Wmo clients) of a wijk in a year."""
    r = rng("wijk", wijk.code, year)
    years = year - 2015
    population = wijk.population_2015 * (1 + rng("growth", wijk.code).uniform(-0.004, 0.008)) ** years
    population *= 1 + r.uniform(-0.004, 0.004)
    rate = wijk.wmo_per_1000_2015 + wijk.wmo_trend * years + r.uniform(-1.5, 1.5)
    return population, population * rate / 1000


def _topic(key: str, title: str, unit: str | None = "aantal", datatype: str = "Long") -> dict:
    return {"Type": "Topic", "Key": key, "Title": title, "Datatype": datatype, "Unit": unit}


def kerncijfers_properties(year: int) -> list[dict]:
    """DataProperties; each edition adds topics, so the numeric suffix of the later columns moves."""
    added = [_topic(f"Bevolkingskenmerk{i}", f"Kenmerk {i}") for i in range(year - 2015)]
    return number_properties(
        [
            {"Type": "GeoDimension", "Key": "WijkenEnBuurten", "Title": "Wijken en buurten", "MapYear": str(year)},
            _topic("Gemeentenaam", "Gemeentenaam", None, "String"),
            _topic("SoortRegio", "Soort regio", None, "String"),
            _topic("Codering", "Codering", None, "String"),
            {"Type": "TopicGroup", "Key": "Bevolking", "Title": "Bevolking"},
            _topic("AantalInwoners", "Aantal inwoners"),
            *(_topic(k, k) for k in AGE_SHARES),
            _topic("k_65JaarOfOuder", "65 jaar of ouder"),
            *added,
            {"Type": "TopicGroup", "Key": "Zorg", "Title": "Zorg"},
            _topic("WmoClienten", "Wmo-cliënten"),
            _topic("WmoClientenRelatief", "Wmo-cliënten relatief", "per 1 000 inwoners"),
        ]
    )


def _row(keys: dict[str, str], region: str, name: str, kind: str, population: float, wmo: float | None) -> dict:
    return {
        keys["WijkenEnBuurten"]: pad(region),
        keys["Gemeentenaam"]: name.ljust(40),
        keys["SoortRegio"]: kind.ljust(10),
        keys["Codering"]: pad(region),
        keys["AantalInwoners"]: round(population),
        keys["WmoClienten"]: None if wmo is None else round(wmo),
        keys["WmoClientenRelatief"]: None if wmo is None else round(wmo / population * 1000),
    }


def kerncijfers_rows(gemeente: Gemeente, year: int, keys: dict[str, str]) -> Iterator[dict]:
    figures = {w.code: _wijk_figures(w, year) for w in gemeente.wijken}
    total_population = sum(p for p, _ in figures.values())
    total_wmo = sum(c for _, c in figures.values())
    # the gemeente row is exact; age groups are shares of the exact total
    row = _row(keys, gemeente.code, gemeente.name, "Gemeente", total_population, total_wmo)
    ages = {k: total_population * share for k, share in AGE_SHARES.items()}
    ages["k_65JaarOfOuder"] = total_population - sum(ages.values())
    yield row | {keys[k]: round(v) for k, v in ages.items()}
    for wijk in gemeente.wijken:
        population, wmo = figures[wijk.code]
        r = rng("round", wijk.code, year)
        # care counts 0-7 are secret; every other wijk count is randomly rounded to a multiple of 5
        row = _row(
            keys, wijk.code, gemeente.name, "Wijk", round_to_5(population, r), None if wmo < 7.5 else round_to_5(wmo, r)
        )
        if wmo >= 7.5:  # CBS computes the ratio from unrounded counts
            row[keys["WmoClientenRelatief"]] = round(wmo / population * 1000)
        ages = {k: round_to_5(population * share, r) for k, share in AGE_SHARES.items()}
        ages["k_65JaarOfOuder"] = round_to_5(population * (1 - sum(AGE_SHARES.values())), r)
        yield row | {keys[k]: v for k, v in ages.items()}


def kerncijfers_documents(table_id: str, year: int) -> dict[str, bytes]:
    properties = kerncijfers_properties(year)
    keys = topic_keys(properties)
    categories = [
        {"Key": pad(code), "Title": title, "Description": SYNTHETIC_LABEL}
        for g in DEMO_GEMEENTEN
        for code, title in ((g.code, g.name), *((w.code, w.name) for w in g.wijken))
    ]
    return v3_documents(
        table_id,
        title=f"Kerncijfers wijken en buurten {year} ({SYNTHETIC_LABEL})",
        period=str(year),
        modified=f"{year + 1}-11-30T02:00:00",
        properties=properties,
        rows=[r for g in DEMO_GEMEENTEN for r in kerncijfers_rows(g, year, keys)],
        categories={"WijkenEnBuurten": categories},
    )


def write_kerncijfers(store: SnapshotStore, family: TableFamily) -> list[Snapshot]:
    return [
        store.write(
            family.catalog,
            family.tables[year],
            kerncijfers_documents(family.tables[year], year),
            source_url=f"synthetic:pipelines.demo (shape of https://opendata.cbs.nl/ODataApi/odata/{family.tables[year]})",
            retrieved_at=datetime(year + 1, 12, 1, tzinfo=UTC),
            synthetic=True,
        )
        for year in DEMO_YEARS
    ]
