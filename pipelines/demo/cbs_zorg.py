"""SYNTHETIC CBS care-use tables for the demo region: Wmo clients by type per wijk, youth care per wijk and per
gemeente, youth-care trajectories by referrer (OData v4).

Where the real table's layout could not be verified (see pipelines/sources/cbs/registry.yaml), the demo uses a
plausible CBS layout; dbt maps categories by title, so a different key in the real table is a registry edit.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pipelines.demo.geography import YEARS, Gemeente, demo_region, placements, rng
from pipelines.demo.odata import SYNTHETIC_LABEL, number_properties, pad, topic_keys, v3_documents, v4_documents
from pipelines.demo.population import AreaYear, total
from pipelines.demo.statline import DemoTable, dimension, period_categories, published, topic
from pipelines.sources.cbs.registry import TableFamily

# Wmo: share of all Wmo clients using each type (a client can use several, so shares do not add up to 1)
WMO_TYPES = {
    "T001024": ("Totaal maatwerkvoorzieningen", 1.0),
    "T001025": ("Totaal excl. verblijf en opvang", 0.98),  # key UNVERIFIED; mapped by title in dbt
    "A019506": ("Ondersteuning thuis", 0.36),
    "A019507": ("Hulp bij het huishouden", 0.44),
    "A019508": ("Verblijf en opvang", 0.03),
    "A019509": ("Hulpmiddelen en diensten", 0.41),
    "A019510": ("Overige maatwerkvoorzieningen", 0.05),  # key UNVERIFIED
}
# Editions of the Wmo table and the years each holds; 85639NED appears twice (2023 provisional, then revised)
WMO_EDITIONS = {"2017": (2017,), "2018": (2018,), "2019": (2019,), "2020": (2020,), "2021": (2021, 2022)}
REVISION = 1.02  # a provisional CBS figure is usually revised upward by 1-5 %

JEUGD_FORMS = {  # VormenVanJeugdzorg-style split of youth with jeugdzorg (shares of all youth in care)
    "JongerenMetJeugdhulp": 0.93,
    "JongerenMetJeugdbescherming": 0.08,
    "JongerenMetJeugdreclassering": 0.02,
}
REFERRERS = {  # VerwijzerJeugdzorg: share of trajectories in 2015 and the change per year
    "A041550": ("Gemeentelijke toegang", 0.28, 0.012),
    "A041551": ("Huisarts", 0.38, -0.008),
    "A041552": ("Jeugdarts", 0.08, 0.0),
    "A041553": ("Gecertificeerde instelling", 0.10, -0.002),
    "A041554": ("Medisch specialist", 0.09, -0.001),
    "A041555": ("Rechter, Officier van Justitie", 0.02, 0.0),
    "A041556": ("Geen verwijzer / zelfverwijzer", 0.05, -0.001),
}
VERWIJZER_MEASURE = "M004186_2"


def _wijk_regions(gemeente: Gemeente, year: int) -> list[tuple[str, str, AreaYear, bool]]:
    """(code, title, figures, rounded) for the gemeente and each of its wijken in `year`."""
    regions = [(gemeente.code, gemeente.name, total(gemeente.areas, year), False)]
    by_wijk: dict[str, list] = {}
    for placement in placements(gemeente, year):
        by_wijk.setdefault(placement.wijk.code, []).append(placement.area)
    regions += [(w.code, w.name, total(by_wijk[w.code], year), True) for w in gemeente.wijken_in(year)]
    return regions


def _untyped(value: int | None) -> str:
    """UntypedDataSet cells are right-aligned text; StatLine's '.' marks a secret or missing figure."""
    return "         ." if value is None else f"{value:>10}"


def wmo_type_documents(table_id: str, years: tuple[int, ...], provisional: set[int], revised: set[int]) -> dict:
    properties = number_properties(
        [
            dimension("Wijken", "Wijken", "GeoDimension"),
            dimension("TypeMaatwerkvoorziening", "Type maatwerkvoorziening"),
            dimension("Perioden", "Perioden", "TimeDimension"),
            topic("Gemeentenaam", "Gemeentenaam", None, "String"),
            topic("WmoClienten", "Wmo-cliënten"),
            topic("WmoClientenPer1000Inwoners", "Wmo-cliënten per 1 000 inwoners", "per 1 000 inwoners"),
        ]
    )
    keys = topic_keys(properties)
    rows, regions = [], {}
    for year in years:
        factor = REVISION if year in revised else 1.0
        for gemeente in demo_region():
            for code, title, figures, rounded in _wijk_regions(gemeente, year):
                regions[code] = title
                for type_key, (_, share) in WMO_TYPES.items():
                    r = rng("wmo-type", code, type_key, year)
                    clients = figures.wmo_clients * share * factor * r.uniform(0.95, 1.05)
                    shown = published(clients, r, rounded=rounded, care=True)
                    rows.append(
                        {
                            "Wijken": pad(code),
                            "TypeMaatwerkvoorziening": type_key,
                            "Perioden": f"{year}JJ00",
                            keys["Gemeentenaam"]: gemeente.name,
                            keys["WmoClienten"]: _untyped(shown),
                            keys["WmoClientenPer1000Inwoners"]: _untyped(
                                None if shown is None else round(1000 * clients / figures.population)
                            ),
                        }
                    )
    return v3_documents(
        table_id,
        title=f"Wmo-cliënten; type maatwerkvoorziening, wijken ({SYNTHETIC_LABEL})",
        period=str(max(years)),
        modified=f"{max(years) + 1}-06-01T02:00:00",
        properties=properties,
        rows=rows,
        dataset="UntypedDataSet",
        categories={
            "Wijken": [{"Key": pad(code), "Title": title} for code, title in regions.items()],
            "TypeMaatwerkvoorziening": [{"Key": k, "Title": t} for k, (t, _) in WMO_TYPES.items()],
            "Perioden": period_categories([f"{y}JJ00" for y in years], {f"{y}JJ00" for y in provisional}),
        },
    )


def wmo_type_tables(family: TableFamily) -> list[DemoTable]:
    tables = [
        DemoTable(
            family.tables[edition],
            wmo_type_documents(family.tables[edition], years, set(), set()),
            datetime(max(years) + 1, 6, 1, tzinfo=UTC),
        )
        for edition, years in WMO_EDITIONS.items()
    ]
    latest = family.tables["2023"]
    # first release: 2023 provisional; a year later: 2023 revised and final, 2024 provisional
    tables.append(
        DemoTable(latest, wmo_type_documents(latest, (2023,), {2023}, set()), datetime(2024, 6, 1, tzinfo=UTC))
    )
    tables.append(
        DemoTable(latest, wmo_type_documents(latest, (2023, 2024), {2024}, {2023}), datetime(2025, 6, 1, tzinfo=UTC))
    )
    return tables


def jeugdzorg_wijk_documents(table_id: str, years: tuple[int, ...]) -> dict:
    properties = number_properties(
        [
            dimension("WijkenEnBuurten", "Wijken en buurten", "GeoDimension"),
            dimension("Perioden", "Perioden", "TimeDimension"),
            topic("JongerenMetJeugdhulp", "Jongeren met jeugdhulp"),
            topic("JongerenMetJeugdhulpZonderVerblijf", "Jongeren met jeugdhulp zonder verblijf"),
            topic("JongerenMetJeugdhulpMetVerblijf", "Jongeren met jeugdhulp met verblijf"),
            topic("PercentageJongerenMetJeugdhulp", "Percentage jongeren met jeugdhulp", "%", "Double", 1),
        ]
    )
    keys = topic_keys(properties)
    rows, regions = [], {}
    for year in years:
        for gemeente in demo_region():
            for code, title, figures, rounded in _wijk_regions(gemeente, year):
                regions[code] = title
                r = rng("jeugd-wijk", code, year)
                help_ = figures.youth_care * JEUGD_FORMS["JongerenMetJeugdhulp"]
                shown = published(help_, r, rounded=rounded, care=True)
                rows.append(
                    {
                        "WijkenEnBuurten": pad(code),
                        "Perioden": f"{year}JJ00",
                        keys["JongerenMetJeugdhulp"]: shown,
                        keys["JongerenMetJeugdhulpZonderVerblijf"]: published(
                            help_ * 0.9, r, rounded=rounded, care=True
                        ),
                        keys["JongerenMetJeugdhulpMetVerblijf"]: published(help_ * 0.1, r, rounded=rounded, care=True),
                        keys["PercentageJongerenMetJeugdhulp"]: None
                        if shown is None
                        else round(100 * help_ / figures.youth, 1),
                    }
                )
    return v3_documents(
        table_id,
        title=f"Jongeren met jeugdhulp; wijken ({SYNTHETIC_LABEL})",
        period=str(max(years)),
        modified=f"{max(years) + 1}-10-01T02:00:00",
        properties=properties,
        rows=rows,
        categories={
            "WijkenEnBuurten": [{"Key": pad(code), "Title": title} for code, title in regions.items()],
            "Perioden": period_categories([f"{y}JJ00" for y in years], set()),
        },
    )


def jeugdzorg_wijk_tables(family: TableFamily) -> list[DemoTable]:
    editions = {"2017": (2016, 2017), "2021": (2020, 2021)}
    return [
        DemoTable(
            family.tables[e],
            jeugdzorg_wijk_documents(family.tables[e], years),
            datetime(max(years) + 1, 10, 1, tzinfo=UTC),
        )
        for e, years in editions.items()
    ]


def jeugdzorg_gemeente_tables(family: TableFamily) -> list[DemoTable]:
    table_id = family.tables["doorlopend"]
    properties = number_properties(
        [
            dimension("RegioS", "Regio's", "GeoDimension"),
            dimension("Perioden", "Perioden", "TimeDimension"),
            topic("JongerenMetJeugdzorg", "Jongeren met jeugdzorg"),
            *(topic(stem, stem) for stem in JEUGD_FORMS),
        ]
    )
    keys = topic_keys(properties)
    periods = [f"{y}HJ0{h}" for y in YEARS for h in (1, 2)]
    rows = []
    for gemeente in demo_region():
        for period in periods:
            year, half = int(period[:4]), int(period[-1])
            r = rng("jeugd-halfjaar", gemeente.code, period)
            # in a half year a little fewer youths have care than over the whole year
            in_care = total(gemeente.areas, year).youth_care * (0.82 if half == 1 else 0.84) * r.uniform(0.98, 1.02)
            rows.append(
                {
                    "RegioS": pad(gemeente.code, 6),
                    "Perioden": period,
                    keys["JongerenMetJeugdzorg"]: round(in_care),
                    **{keys[stem]: round(in_care * share) for stem, share in JEUGD_FORMS.items()},
                }
            )
    documents = v3_documents(
        table_id,
        title=f"Jongeren met jeugdzorg; regio, per half jaar ({SYNTHETIC_LABEL})",
        period="2015-2024",
        modified="2025-05-01T02:00:00",
        properties=properties,
        rows=rows,
        categories={
            "RegioS": [{"Key": pad(g.code, 6), "Title": g.name} for g in demo_region()],
            "Perioden": period_categories(periods, {"2024HJ02"}),
        },
    )
    return [DemoTable(table_id, documents, datetime(2025, 5, 1, tzinfo=UTC))]


def verwijzer_tables(family: TableFamily) -> list[DemoTable]:
    """v4: long Observations; trajectories shift from the GP towards the gemeente's own access over the years."""
    table_id = family.tables["doorlopend"]
    observations = []
    for gemeente in demo_region():
        for year in YEARS:
            trajectories = total(gemeente.areas, year).youth_care * 1.3
            for key, (_, share, trend) in REFERRERS.items():
                r = rng("verwijzer", gemeente.code, key, year)
                value = trajectories * (share + trend * (year - YEARS[0])) * r.uniform(0.92, 1.08)
                secret = value < 10
                observations.append(
                    {
                        "Measure": VERWIJZER_MEASURE,
                        "VerwijzerJeugdzorg": key,
                        "RegioS": gemeente.code,
                        "Perioden": f"{year}JJ00",
                        "Value": None if secret else round(value),
                        "StringValue": None,
                        "ValueAttribute": "Confidential" if secret else "None",
                    }
                )
    documents = v4_documents(
        table_id,
        title=f"Jeugdhulptrajecten in natura; verwijzer, regio ({SYNTHETIC_LABEL})",
        dimensions=[
            ("VerwijzerJeugdzorg", "Dimension", [{"Identifier": k, "Title": t} for k, (t, _, _) in REFERRERS.items()]),
            ("RegioS", "GeoDimension", [{"Identifier": g.code, "Title": g.name} for g in demo_region()]),
            (
                "Perioden",
                "TimeDimension",
                [
                    {
                        "Identifier": f"{y}JJ00",
                        "Title": str(y),
                        "Status": "Voorlopig" if y == YEARS[-1] else "Definitief",
                    }
                    for y in YEARS
                ],
            ),
        ],
        measures=[
            {
                "Identifier": VERWIJZER_MEASURE,
                "Title": "Jeugdhulptrajecten",
                "Unit": "aantal",
                "Decimals": 0,
                "DataType": "Long",
                "Description": SYNTHETIC_LABEL,
            }
        ],
        observations=observations,
    )
    return [DemoTable(table_id, documents, datetime(2025, 5, 1, tzinfo=UTC))]
