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

from pipelines.demo.geography import YEARS, Gemeente, demo_region, placements, rng
from pipelines.demo.odata import SYNTHETIC_LABEL, number_properties, pad, topic_keys, v3_documents
from pipelines.demo.population import AGE_SHARES, AreaYear, area_year, total
from pipelines.sources.cbs.registry import TableFamily
from pipelines.sources.cbs.snapshots import Snapshot, SnapshotStore

SECRET_BELOW = 7.5  # CBS shows care counts 0-7 as secret


def round_to_5(value: float, r: random.Random) -> int:
    """CBS's random rounding of wijk and buurt counts to a multiple of 5 (unbiased in expectation)."""
    low = int(value // 5) * 5
    return low + 5 if r.random() < (value - low) / 5 else low


def _topic(key: str, title: str, unit: str | None = "aantal", datatype: str = "Long", decimals: int = 0) -> dict:
    return {"Type": "Topic", "Key": key, "Title": title, "Datatype": datatype, "Unit": unit, "Decimals": decimals}


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
            *(_topic(k, k) for k in (*AGE_SHARES, "k_65JaarOfOuder")),
            *added,
            {"Type": "TopicGroup", "Key": "SocialeZekerheid", "Title": "Sociale zekerheid"},
            _topic("PersonenPerSoortUitkeringBijstand", "Personen per soort uitkering; bijstand"),
            _topic("JongerenMetJeugdzorgInNatura", "Jongeren met jeugdzorg in natura"),
            _topic("PercentageJongerenMetJeugdzorg", "Percentage jongeren met jeugdzorg", "%", "Double", 1),
            _topic("WmoClienten", "Wmo-cliënten"),
            _topic("WmoClientenRelatief", "Wmo-cliënten relatief", "per 1 000 inwoners"),
        ]
    )


def _values(figures: AreaYear, rounded: bool, r: random.Random) -> dict[str, float | int | None]:
    """Published values of one region: gemeente exact; wijk and buurt counts rounded, small care counts secret.
    Ratios are computed from the unrounded counts, as CBS does."""
    count = (lambda v: round_to_5(v, r)) if rounded else round
    care = (lambda v: None if v < SECRET_BELOW else count(v)) if rounded else round
    wmo, youth_care = care(figures.wmo_clients), care(figures.youth_care)
    return {
        "AantalInwoners": count(figures.population),
        **{stem: count(v) for stem, v in figures.ages.items()},
        "PersonenPerSoortUitkeringBijstand": care(figures.bijstand),
        "JongerenMetJeugdzorgInNatura": youth_care,
        "PercentageJongerenMetJeugdzorg": None
        if youth_care is None
        else round(100 * figures.youth_care / figures.youth, 1),
        "WmoClienten": wmo,
        "WmoClientenRelatief": None if wmo is None else round(1000 * figures.wmo_clients / figures.population),
    }


def kerncijfers_rows(gemeente: Gemeente, year: int) -> Iterator[tuple[str, str, str, dict]]:
    """(code, title, soort regio, values) for the gemeente, then each wijk followed by its buurten."""
    yield gemeente.code, gemeente.name, "Gemeente", _values(total(gemeente.areas, year), False, rng())
    by_wijk: dict[str, list] = {}
    for placement in placements(gemeente, year):
        by_wijk.setdefault(placement.wijk.code, []).append(placement)
    for wijk in gemeente.wijken_in(year):
        areas = [p.area for p in by_wijk[wijk.code]]
        yield wijk.code, wijk.name, "Wijk", _values(total(areas, year), True, rng("round", wijk.code, year))
        for p in by_wijk[wijk.code]:
            yield (
                p.buurt_code,
                p.buurt_name,
                "Buurt",
                _values(area_year(p.area, year), True, rng("round", p.buurt_code, year)),
            )


def kerncijfers_documents(table_id: str, year: int) -> dict[str, bytes]:
    properties = kerncijfers_properties(year)
    keys = topic_keys(properties)
    rows, categories = [], []
    for gemeente in demo_region():
        for code, title, kind, values in kerncijfers_rows(gemeente, year):
            rows.append(
                {
                    keys["WijkenEnBuurten"]: pad(code),
                    keys["Gemeentenaam"]: gemeente.name.ljust(40),
                    keys["SoortRegio"]: kind.ljust(10),
                    keys["Codering"]: pad(code),
                    **{keys[stem]: value for stem, value in values.items()},
                }
            )
            categories.append({"Key": pad(code), "Title": title, "Description": SYNTHETIC_LABEL})
    return v3_documents(
        table_id,
        title=f"Kerncijfers wijken en buurten {year} ({SYNTHETIC_LABEL})",
        period=str(year),
        modified=f"{year + 1}-11-30T02:00:00",
        properties=properties,
        rows=rows,
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
        for year in YEARS
    ]
