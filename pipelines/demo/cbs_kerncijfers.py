"""SYNTHETIC Kerncijfers wijken en buurten (one v3 table per year, no period dimension) for the demo region.

CBS quirks reproduced: column suffixes that change per edition, space-padded keys, wijk and buurt counts randomly
rounded to a multiple of 5, small care counts (0-7) secret (null in the TypedDataSet).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime

from pipelines.demo.geography import YEARS, Gemeente, demo_region, placements, rng
from pipelines.demo.odata import SYNTHETIC_LABEL, number_properties, pad, topic_keys, v3_documents
from pipelines.demo.population import AGE_SHARES, AreaYear, area_year, total
from pipelines.demo.statline import DemoTable, published, topic
from pipelines.sources.cbs.registry import TableFamily


def kerncijfers_properties(year: int) -> list[dict]:
    """DataProperties; each edition adds topics, so the numeric suffix of the later columns moves."""
    added = [topic(f"Bevolkingskenmerk{i}", f"Kenmerk {i}") for i in range(year - 2015)]
    return number_properties(
        [
            {"Type": "GeoDimension", "Key": "WijkenEnBuurten", "Title": "Wijken en buurten", "MapYear": str(year)},
            topic("Gemeentenaam", "Gemeentenaam", None, "String"),
            topic("SoortRegio", "Soort regio", None, "String"),
            topic("Codering", "Codering", None, "String"),
            {"Type": "TopicGroup", "Key": "Bevolking", "Title": "Bevolking"},
            topic("AantalInwoners", "Aantal inwoners"),
            *(topic(k, k) for k in (*AGE_SHARES, "k_65JaarOfOuder")),
            *added,
            {"Type": "TopicGroup", "Key": "SocialeZekerheid", "Title": "Sociale zekerheid"},
            topic("PersonenPerSoortUitkeringBijstand", "Personen per soort uitkering; bijstand"),
            topic("JongerenMetJeugdzorgInNatura", "Jongeren met jeugdzorg in natura"),
            topic("PercentageJongerenMetJeugdzorg", "Percentage jongeren met jeugdzorg", "%", "Double", 1),
            topic("WmoClienten", "Wmo-cliënten"),
            topic("WmoClientenRelatief", "Wmo-cliënten relatief", "per 1 000 inwoners"),
        ]
    )


def _values(figures: AreaYear, rounded: bool, r: random.Random) -> dict[str, float | int | None]:
    """Published values of one region: gemeente exact; wijk and buurt counts rounded, small care counts secret.
    Ratios are computed from the unrounded counts, as CBS does."""
    wmo = published(figures.wmo_clients, r, rounded=rounded, care=True)
    youth_care = published(figures.youth_care, r, rounded=rounded, care=True)
    return {
        "AantalInwoners": published(figures.population, r, rounded=rounded),
        **{stem: published(v, r, rounded=rounded) for stem, v in figures.ages.items()},
        "PersonenPerSoortUitkeringBijstand": published(figures.bijstand, r, rounded=rounded, care=True),
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


def kerncijfers_tables(family: TableFamily) -> list[DemoTable]:
    return [
        DemoTable(
            family.tables[str(year)],
            kerncijfers_documents(family.tables[str(year)], year),
            datetime(year + 1, 12, 1, tzinfo=UTC),
        )
        for year in YEARS
    ]
