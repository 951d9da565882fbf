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
from pipelines.demo.population import AGE_SHARES, OLDEST, AreaYear, area_year, single_years, total
from pipelines.demo.statline import DemoTable, dimension, period_categories, published, topic
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


def bevolking_leeftijd_tables(family: TableFamily) -> list[DemoTable]:
    """CBS 03759ned-style: inhabitants on 1 January per single year of age per gemeente (totals of sex and
    marital status), consistent with the Kerncijfers age bands."""
    table_id = family.tables["doorlopend"]
    properties = number_properties([
        dimension("Geslacht", "Geslacht"), dimension("Leeftijd", "Leeftijd"),
        dimension("BurgerlijkeStaat", "Burgerlijke staat"), dimension("RegioS", "Regio's", "GeoDimension"),
        dimension("Perioden", "Perioden", "TimeDimension"),
        topic("BevolkingOp1Januari", "Bevolking op 1 januari"),
    ])  # fmt: skip
    keys = topic_keys(properties)
    rows = [
        {"Geslacht": "T001038", "Leeftijd": age_key(age), "BurgerlijkeStaat": "T001019",
         "RegioS": pad(gemeente.code, 6), "Perioden": f"{year}JJ00", keys["BevolkingOp1Januari"]: round(count)}
        for gemeente in demo_region() for year in YEARS
        for age, count in single_years(total(gemeente.areas, year)).items()
    ]  # fmt: skip
    documents = v3_documents(
        table_id, title=f"Bevolking op 1 januari; leeftijd, regio ({SYNTHETIC_LABEL})", period="2015-2024",
        modified="2024-06-01T02:00:00", properties=properties, rows=rows,
        categories={
            "Geslacht": [{"Key": "T001038", "Title": "Totaal mannen en vrouwen"}],
            "Leeftijd": [{"Key": age_key(age), "Title": f"{age} jaar of ouder" if age == OLDEST else f"{age} jaar"}
                         for age in range(OLDEST + 1)],
            "BurgerlijkeStaat": [{"Key": "T001019", "Title": "Totaal burgerlijke staat"}],
            "RegioS": [{"Key": pad(g.code, 6), "Title": g.name} for g in demo_region()],
            "Perioden": period_categories([f"{y}JJ00" for y in YEARS], set()),
        },
    )  # fmt: skip
    return [DemoTable(table_id, documents, datetime(2024, 6, 1, tzinfo=UTC))]


def age_key(age: int) -> str:
    return f"{10010 + 100 * age}"
