"""SYNTHETIC Kerncijfers wijken en buurten (one v3 table per year, no period dimension) and population by single
year of age (03759ned) for the demo region.

The Kerncijfers tables are built on the topic tree of the real 2020 table (kwb_topics_2020.json: 116 topics, the
GeoDetail dimension WijkenEnBuurten, TopicGroups, seven repeated stems such as Appartement under electricity and
under gas), changed per edition the way the evidence says CBS changed it: no Wmo or jeugdzorg topics up to 2017,
no Opleidingsniveau before 2020, a few more topics from 2021 on, so the numeric suffixes move (WmoClienten_86 in
2018, _89 in 2020, _93 in 2024, as in the real tables). The 2020 table comes in two releases, as the real one did:
in the first every Wmo and jeugdzorg cell is empty, the second fills them. Wijk and buurt counts are randomly
rounded to 5 and small care counts are secret; keys are padded to 10.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from demo.geography import YEARS, Gemeente, demo_region, placements, rng
from demo.odata import (
    SYNTHETIC_LABEL,
    data_properties,
    dimension,
    group,
    pad,
    topic,
    topic_keys,
    v3_documents,
)
from demo.population import OLDEST_CBS, AreaYear, area_year, single_years, total
from demo.statline import DemoTable, period_categories, published
from pipelines.sources.cbs.registry import TableFamily

KWB_TOPICS = json.loads(Path(__file__).with_name("kwb_topics_2020.json").read_text(encoding="utf-8"))["topics"]
CARE = ("JongerenMetJeugdzorgInNatura", "PercentageJongerenMetJeugdzorg", "WmoClienten", "WmoClientenRelatief")
CRIME = group(  # reported in the Kerncijfers until 2019
    "Criminaliteit",
    topic("TotaalDiefstalUitWoningSchuurED", "Totaal diefstal uit woning/schuur/e.d.", "per 1 000 inwoners"),
    topic("VernielingMisdrijfTegenOpenbareOrde", "Vernieling,misdrijf tegen openbare orde", "per 1 000 inwoners"),
    topic("GeweldsEnSeksueleMisdrijven", "Gewelds- en seksuele misdrijven", "per 1 000 inwoners"),
)
ORIGIN = (  # herkomst topics added from 2021 on, one a year
    topic("NederlandseAchtergrond", "Nederlandse achtergrond"),
    topic("EuropaExclusiefNederland", "Europa (exclusief Nederland)"),
    topic("BuitenEuropa", "Buiten Europa"),
    topic("GeborenInNederland", "Geboren in Nederland"),
)
# when each edition was fetched; 2020: the release of March 2021 without care figures, then the filled one
RELEASES = {2020: ((datetime(2021, 3, 26, tzinfo=UTC), False), (datetime(2021, 11, 30, tzinfo=UTC), True))}


def edition_topics(year: int) -> list[dict]:
    """The topic tree of one edition."""

    def keep(node: dict) -> bool:
        name = node.get("group")
        return not (
            (name == "Zorg" and year <= 2017)
            or (name == "Opleidingsniveau" and year < 2020)
            or (name == "Arbeid" and year <= 2017)
        )

    def edit(nodes: list[dict]) -> list[dict]:
        result = []
        for node in nodes:
            if not keep(node):
                continue
            if "group" in node:
                items = edit(node["items"])
                if node["group"] == "Personen met een migratieachtergrond":
                    items += list(ORIGIN[: max(0, min(year - 2020, len(ORIGIN)))])
                node = group(node["group"], *items)
            result.append(node)
            if node.get("group") == ("Zorg" if year > 2017 else "Sociale zekerheid") and year < 2020:
                result.append(CRIME)
        return result

    return edit(KWB_TOPICS)


def kerncijfers_properties(year: int) -> list[dict]:
    return data_properties(
        [dimension("WijkenEnBuurten", "Wijken en buurten", "GeoDetail", year), *edition_topics(year)]
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


def _region(code: str, title: str, kind: str, gemeente: Gemeente) -> dict:
    """A WijkenEnBuurten category as CBS lists it (Key padded to 10, Municipality, DetailRegionCode)."""
    descriptions = {
        "Gemeente": f"Gemeente '{title}' ({code})",
        "Wijk": f"Wijk '{title}' ({code}) is een wijk in de gemeente '{gemeente.name}'.",
        "Buurt": f"Buurt '{title}' ({code}) is een buurt in de gemeente '{gemeente.name}'.",
    }
    return {"Key": pad(code), "Title": title, "Description": descriptions[kind], "Municipality": gemeente.code,
            "DetailRegionCode": code}  # fmt: skip


def kerncijfers_documents(
    family: TableFamily, year: int, *, care_filled: bool = True, page_size: int = 10_000
) -> dict[str, bytes]:
    """One edition as the client stores it: every topic in DataProperties, the registry's measures selected.
    ``care_filled=False`` is a first release whose Wmo and jeugdzorg cells are still empty."""
    table_id = family.tables[str(year)]
    properties = kerncijfers_properties(year)
    keys = topic_keys(properties)
    selected = [keys[m] for m in family.measure_names if m in keys]
    rows, categories = [], []
    for gemeente in demo_region():
        for code, title, kind, values in kerncijfers_rows(gemeente, year):
            if not care_filled:
                values = {stem: None if stem in CARE else v for stem, v in values.items()}
            rows.append(
                {
                    "WijkenEnBuurten": pad(code),
                    keys["Gemeentenaam"]: gemeente.name.ljust(40),
                    keys["SoortRegio"]: kind.ljust(10),
                    keys["Codering"]: pad(code),
                    **{keys[stem]: value for stem, value in values.items() if stem in keys},
                }
            )
            categories.append(_region(code, title, kind, gemeente))
    return v3_documents(
        table_id,
        title=f"Kerncijfers wijken en buurten {year} ({SYNTHETIC_LABEL})",
        period=str(year),
        modified=f"{year + 1}-11-30T02:00:00",
        properties=properties,
        rows=rows,
        categories={"WijkenEnBuurten": categories},
        select=selected,
        page_size=page_size,
    )


def kerncijfers_tables(family: TableFamily) -> list[DemoTable]:
    tables = []
    for year in YEARS:
        releases = RELEASES.get(year, ((datetime(year + 1, 12, 1, tzinfo=UTC), True),))
        for retrieved_at, care_filled in releases:
            documents = kerncijfers_documents(family, year, care_filled=care_filled)
            tables.append(DemoTable(family.tables[str(year)], documents, retrieved_at))
    return tables


# 03759ned: Leeftijd keys 10000 totaal, 10010 for 0 jaar, 10100 for 1 jaar, 10200 for 2 jaar, ...
TOTAL_AGE, UNDER_5 = "10000", "70100"  # UNDER_5 ("0 tot 5 jaar", a group CBS lists too): key UNVERIFIED


def age_key(age: int) -> str:
    return "10010" if age == 0 else str(10000 + 100 * age)


def age_title(age: int) -> str:
    return f"{age} jaar of ouder" if age == OLDEST_CBS else f"{age} jaar"


def bevolking_leeftijd_tables(family: TableFamily) -> list[DemoTable]:
    """CBS 03759ned-style: inhabitants on 1 January (and the year's average) per single year of age per gemeente,
    totals of sex and marital status, with the total and an age group beside the single years, consistent with
    the Kerncijfers age bands."""
    table_id = family.tables["doorlopend"]
    properties = data_properties([
        dimension("Geslacht", "Geslacht"), dimension("Leeftijd", "Leeftijd"),
        dimension("BurgerlijkeStaat", "Burgerlijke staat"), dimension("RegioS", "Regio's", "GeoDimension"),
        dimension("Perioden", "Perioden", "TimeDimension"),
        topic("BevolkingOp1Januari", "Bevolking op 1 januari"), topic("GemiddeldeBevolking", "Gemiddelde bevolking"),
    ])  # fmt: skip
    keys = topic_keys(properties)
    rows = []
    for gemeente in demo_region():
        for year in YEARS:
            ages = single_years(total(gemeente.areas, year))
            following = single_years(total(gemeente.areas, year + 1))
            counts = {age_key(a): (n, following[a]) for a, n in ages.items()}
            counts[TOTAL_AGE] = (sum(ages.values()), sum(following.values()))
            counts[UNDER_5] = (sum(ages[a] for a in range(5)), sum(following[a] for a in range(5)))
            rows += [
                {"Geslacht": "T001038", "Leeftijd": key, "BurgerlijkeStaat": "T001019",
                 "RegioS": pad(gemeente.code, 6), "Perioden": f"{year}JJ00",
                 keys["BevolkingOp1Januari"]: round(start), keys["GemiddeldeBevolking"]: round((start + end) / 2)}
                for key, (start, end) in counts.items()
            ]  # fmt: skip
    leeftijd = [{"Key": TOTAL_AGE, "Title": "Totaal", "Description": "", "CategoryGroupID": None}]
    leeftijd += [{"Key": age_key(a), "Title": age_title(a), "Description": "", "CategoryGroupID": 1}
                 for a in range(OLDEST_CBS + 1)]  # fmt: skip
    leeftijd += [{"Key": UNDER_5, "Title": "0 tot 5 jaar", "Description": "", "CategoryGroupID": 2}]
    documents = v3_documents(
        table_id, title=f"Bevolking; geslacht, leeftijd en burgerlijke staat, 1 januari ({SYNTHETIC_LABEL})",
        period="2015-2024", modified="2024-06-01T02:00:00", properties=properties, rows=rows,
        categories={
            "Geslacht": [{"Key": "T001038", "Title": "Totaal mannen en vrouwen", "Description": "",
                          "CategoryGroupID": None}],
            "Leeftijd": leeftijd,
            "BurgerlijkeStaat": [{"Key": "T001019", "Title": "Totaal burgerlijke staat", "Description": "",
                                  "CategoryGroupID": None}],
            "RegioS": [{"Key": pad(g.code, 6), "Title": g.name, "Description": "", "CategoryGroupID": None}
                       for g in demo_region()],
            "Perioden": period_categories([f"{y}JJ00" for y in YEARS], set()),
        },
    )  # fmt: skip
    return [DemoTable(table_id, documents, datetime(2024, 6, 1, tzinfo=UTC))]
