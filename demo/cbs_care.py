"""SYNTHETIC CBS care-use tables for the demo region: Wmo clients by type per wijk, youth care per wijk and per
gemeente, youth-care trajectories by referrer (OData v4).

The layouts follow the public evidence in pipelines/sources/cbs/registry.yaml: the type of Wmo provision and the
form of youth care are dimensions (mapped by key in dbt, titles kept), not separate measures; the Wmo tables hold
half years beside the year and are UntypedDataSets (text cells of varying width, '.' for a secret figure); the
geo dimension of the wijk tables is Wijken (padded to 10), of the gemeente tables RegioS (6); the dimension names
changed over the editions (TypeMaatwerkarrangement, then TypeMaatwerkvoorziening; TypeJeugdzorg, then
VormenVanJeugdzorg). Editions after the demo's years (2025) are not generated.
"""

from __future__ import annotations

from datetime import UTC, datetime

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
    v4_documents,
)
from demo.population import AreaYear, total
from demo.statline import DemoTable, period_categories, published, untyped
from pipelines.sources.cbs.registry import TableFamily

# Wmo: share of all Wmo clients using each type (a client can use several, so shares do not add up to 1); keys
# from 86158NED, assumed the same in the older editions
WMO_TYPES = {
    "T001024": ("Totaal", 1.0),
    "A019506": ("Ondersteuning thuis", 0.36),
    "A019507": ("Hulp bij het huishouden", 0.44),
    "A019508": ("Verblijf en opvang", 0.03),
    "A019509": ("Hulpmiddelen en diensten", 0.41),
}
# edition -> (name of the type dimension, years it holds); 85639NED (2023) comes twice, see wmo_type_tables
WMO_EDITIONS = {
    "2017": ("TypeMaatwerkarrangement", (2017,)),
    "2018": ("TypeMaatwerkarrangement", (2018,)),
    "2019": ("TypeMaatwerkarrangement", (2019,)),
    "2020": ("TypeMaatwerkarrangement", (2020,)),
    "2021": ("TypeMaatwerkvoorziening", (2021, 2022)),
}
REVISION = 1.02  # a provisional CBS figure is usually revised upward by 1-5 %
HALF_YEAR = {1: 0.86, 2: 0.88}  # clients in a half year, as a share of the year's clients

# forms of youth care per wijk (keys from public code reading the 2016 table) and the share of youth in care
JEUGD_WIJK_FORMS = {
    "T001203": ("Totaal jeugdzorg", 1.0),
    "A042502": ("Totaal jeugdhulp", 0.93),
    "A042503": ("Jeugdhulp zonder verblijf", 0.86),
    "A027918": ("Jeugdhulp met verblijf", 0.10),
    "A027919": ("Jeugdbescherming", 0.08),
    "A027920": ("Jeugdreclassering", 0.02),
}
JEUGD_WIJK_EDITIONS = {"2015": "TypeJeugdzorg", "2016": "TypeJeugdzorg", "2017": "VormenVanJeugdzorg",
                       "2021": "VormenVanJeugdzorg"}  # fmt: skip
# forms of youth care per gemeente (85099NED-style titles); only A045561 and A045560 are known keys, the other
# four are placeholders of the same shape (dbt maps those categories by title)
JEUGD_FORMS = {
    "A045561": ("JZ Totaal jeugdzorg", 1.0),
    "A045560": ("JH 1 Totaal jeugdhulp", 0.93),
    "A045562": ("JH 121 Totaal jeugdhulp zonder verblijf", 0.85),
    "A045563": ("JH 122 Totaal jeugdhulp met verblijf", 0.08),
    "A045564": ("JB 1 Totaal jeugdbescherming", 0.08),
    "A045565": ("JR 1 Totaal jeugdreclassering", 0.02),
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

REGION_TOPICS = group(  # the first topics of CBS's wijk tables
    "Regioaanduiding",
    topic("Gemeentenaam", "Gemeentenaam", "naam", "String"),
    topic("SoortRegio", "Soort regio", "omschrijving", "String"),
    topic("Codering", "Codering", "code", "String"),
    topic("IndelingswijzeWijken", "Indelingswijze wijken", "code", "String"),
)


def _wijk_regions(gemeente: Gemeente, year: int) -> list[tuple[str, str, AreaYear, bool]]:
    """(code, title, figures, rounded) for the gemeente and each of its wijken in `year`."""
    regions = [(gemeente.code, gemeente.name, total(gemeente.areas, year), False)]
    by_wijk: dict[str, list] = {}
    for placement in placements(gemeente, year):
        by_wijk.setdefault(placement.wijk.code, []).append(placement.area)
    regions += [(w.code, w.name, total(by_wijk[w.code], year), True) for w in gemeente.wijken_in(year)]
    return regions


def _categories(items: dict[str, tuple], width: int | None = None) -> list[dict]:
    return [{"Key": pad(k, width) if width else k, "Title": v[0], "Description": "", "CategoryGroupID": None}
            for k, v in items.items()]  # fmt: skip


def wmo_type_documents(
    table_id: str, type_dimension: str, years: tuple[int, ...], provisional: set[int], revised: set[int]
) -> dict[str, bytes]:
    properties = data_properties([
        dimension("Wijken", "Wijken", "GeoDimension", max(years)),
        dimension(type_dimension, "Type maatwerkvoorziening" if type_dimension.endswith("voorziening")
                  else "Type maatwerkarrangement"),
        dimension("Perioden", "Perioden", "TimeDimension"),
        REGION_TOPICS,
        topic("WmoClienten", "Wmo-cliënten"),
        topic("WmoClientenPer1000Inwoners", "Wmo-cliënten per 1 000 inwoners", "per 1 000 inwoners", "Long", 0,
              "Relative"),
    ])  # fmt: skip
    keys = topic_keys(properties)
    rows, regions, periods = [], {}, []
    for year in years:
        factor = REVISION if year in revised else 1.0
        periods += [f"{year}HJ01", f"{year}HJ02", f"{year}JJ00"]
        for gemeente in demo_region():
            for code, title, figures, rounded in _wijk_regions(gemeente, year):
                regions[code] = title
                for type_key, (_, share) in WMO_TYPES.items():
                    r = rng("wmo-type", code, type_key, year)
                    clients = figures.wmo_clients * share * factor * r.uniform(0.95, 1.05)
                    in_periods = {f"{year}JJ00": clients}
                    in_periods |= {f"{year}HJ0{h}": clients * part for h, part in HALF_YEAR.items()}
                    for period, count in in_periods.items():
                        rr = r if period.endswith("JJ00") else rng("wmo-type", code, type_key, period)
                        shown = published(count, rr, rounded=rounded, care=True)
                        rows.append({
                            "Wijken": pad(code), type_dimension: type_key, "Perioden": period,
                            keys["WmoClienten"]: shown,
                            keys["WmoClientenPer1000Inwoners"]: None if shown is None
                            else round(1000 * count / figures.population),
                        })  # fmt: skip
    for key in (keys["WmoClienten"], keys["WmoClientenPer1000Inwoners"]):
        for row, text in zip(rows, untyped([row[key] for row in rows]), strict=True):
            row[key] = text
    total_title = f"Totaal maatwerk{'voorzieningen' if type_dimension.endswith('voorziening') else 'arrangementen'}"
    types = {k: (total_title if k == "T001024" else title, share) for k, (title, share) in WMO_TYPES.items()}
    return v3_documents(
        table_id,
        title=f"Wmo-cliënten; type maatwerkvoorziening, wijken ({SYNTHETIC_LABEL})",
        period=str(max(years)),
        modified=f"{max(years) + 1}-06-01T02:00:00",
        properties=properties,
        rows=rows,
        select=[keys["WmoClienten"], keys["WmoClientenPer1000Inwoners"]],
        dataset="UntypedDataSet",
        categories={
            "Wijken": [{"Key": pad(code), "Title": title, "Description": "", "CategoryGroupID": None}
                       for code, title in regions.items()],
            type_dimension: _categories(types),
            "Perioden": period_categories(sorted(periods), {p for p in periods if int(p[:4]) in provisional}),
        },
    )  # fmt: skip


def wmo_type_tables(family: TableFamily) -> list[DemoTable]:
    tables = [
        DemoTable(
            family.tables[edition],
            wmo_type_documents(family.tables[edition], dim, years, set(), set()),
            datetime(max(years) + 1, 6, 1, tzinfo=UTC),
        )
        for edition, (dim, years) in WMO_EDITIONS.items()
    ]
    latest = family.tables["2023"]
    # first release: 2023 provisional; a year later: 2023 revised and final, 2024 provisional
    dim = "TypeMaatwerkvoorziening"
    tables.append(
        DemoTable(latest, wmo_type_documents(latest, dim, (2023,), {2023}, set()), datetime(2024, 6, 1, tzinfo=UTC))
    )
    tables.append(
        DemoTable(
            latest, wmo_type_documents(latest, dim, (2023, 2024), {2024}, {2023}), datetime(2025, 6, 1, tzinfo=UTC)
        )
    )
    return tables


def jeugdzorg_wijk_properties(form_dimension: str, year: int) -> list[dict]:
    """The layout of the youth-care-per-wijk tables (2016 evidence: TotaalJongerenMetJeugdzorg_5 ...
    VerwijzerOnbekend_25, after four region topics)."""
    referrers = ("GemeentelijkeToegang", "Huisarts", "Jeugdarts", "GecertificeerdeInstelling", "MedischSpecialist",
                 "RechterOfficierVanJustitie", "GeenVerwijzer", "VerwijzerOnbekend")  # fmt: skip
    return data_properties([
        dimension(form_dimension, "Vormen van jeugdzorg" if form_dimension.startswith("Vormen") else "Type jeugdzorg"),
        dimension("Wijken", "Wijken", "GeoDimension", year),
        dimension("Perioden", "Perioden", "TimeDimension"),
        REGION_TOPICS,
        group("Jongeren met jeugdzorg",
              topic("TotaalJongerenMetJeugdzorg", "Totaal jongeren met jeugdzorg"),
              group("Leeftijd", *(topic(k, t) for k, t in (("k_0Tot4Jaar", "0 tot 4 jaar"), ("k_4Tot12Jaar",
                    "4 tot 12 jaar"), ("k_12Tot18Jaar", "12 tot 18 jaar"), ("k_18Tot23Jaar", "18 tot 23 jaar")))),
              group("Samenstelling huishouden bij hulpvraag",
                    topic("ThuiswonendKindInEenouderGezin", "Thuiswonend kind in eenouder gezin"),
                    topic("ThuiswonendKindInTweeouderGezin", "Thuiswonend kind in tweeouder gezin"),
                    topic("AndereHuishoudens", "Andere huishoudens"))),
        group("Jeugdzorgtrajecten",
              topic("TotaalJeugdzorgtrajecten", "Totaal jeugdzorgtrajecten"),
              group("Perspectief", *(topic(k, k) for k in ("StabilisatieVanEenCrisissituatie", "Diagnostiek",
                                                           "Begeleiden", "Behandelen"))),
              group("Verwijzer", *(topic(k, k) for k in referrers))),
    ])  # fmt: skip


def jeugdzorg_wijk_documents(table_id: str, form_dimension: str, year: int) -> dict[str, bytes]:
    properties = jeugdzorg_wijk_properties(form_dimension, year)
    key = topic_keys(properties)["TotaalJongerenMetJeugdzorg"]
    rows, regions = [], {}
    for gemeente in demo_region():
        for code, title, figures, rounded in _wijk_regions(gemeente, year):
            regions[code] = title
            r = rng("jeugd-wijk", code, year)
            rows += [
                {form_dimension: form, "Wijken": pad(code), "Perioden": f"{year}JJ00",
                 key: published(figures.youth_care * share, r, rounded=rounded, care=True)}
                for form, (_, share) in JEUGD_WIJK_FORMS.items()
            ]  # fmt: skip
    return v3_documents(
        table_id,
        title=f"Jeugdzorg; wijken {year} ({SYNTHETIC_LABEL})",
        period=str(year),
        modified=f"{year + 1}-10-01T02:00:00",
        properties=properties,
        rows=rows,
        select=[key],
        categories={
            form_dimension: _categories(JEUGD_WIJK_FORMS),
            "Wijken": [{"Key": pad(code), "Title": title, "Description": "", "CategoryGroupID": None}
                       for code, title in regions.items()],
            "Perioden": period_categories([f"{year}JJ00"], set()),
        },
    )  # fmt: skip


def jeugdzorg_wijk_tables(family: TableFamily) -> list[DemoTable]:
    return [
        DemoTable(
            family.tables[edition],
            jeugdzorg_wijk_documents(family.tables[edition], dim, int(edition)),
            datetime(int(edition) + 1, 10, 1, tzinfo=UTC),
        )
        for edition, dim in JEUGD_WIJK_EDITIONS.items()
    ]


def jeugdzorg_gemeente_tables(family: TableFamily) -> list[DemoTable]:
    table_id = family.tables["doorlopend"]
    properties = data_properties([
        dimension("VormenVanJeugdzorg", "Vormen van jeugdzorg"),
        dimension("RegioS", "Regio's", "GeoDimension"),
        dimension("Perioden", "Perioden", "TimeDimension"),
        topic("JongerenMetJeugdzorg", "Jongeren met jeugdzorg"),
    ])  # fmt: skip
    key = topic_keys(properties)["JongerenMetJeugdzorg"]
    periods = [f"{y}HJ0{h}" for y in YEARS for h in (1, 2)]
    rows = []
    for gemeente in demo_region():
        for period in periods:
            year, half = int(period[:4]), int(period[-1])
            r = rng("jeugd-halfjaar", gemeente.code, period)
            # in a half year a little fewer youths have care than over the whole year
            in_care = total(gemeente.areas, year).youth_care * (0.82 if half == 1 else 0.84) * r.uniform(0.98, 1.02)
            rows += [
                {"VormenVanJeugdzorg": form, "RegioS": pad(gemeente.code, 6), "Perioden": period,
                 key: round(in_care * share)}
                for form, (_, share) in JEUGD_FORMS.items()
            ]  # fmt: skip
    documents = v3_documents(
        table_id,
        title=f"Jongeren met jeugdzorg; regio, per half jaar ({SYNTHETIC_LABEL})",
        period="2015-2024",
        modified="2025-05-01T02:00:00",
        properties=properties,
        rows=rows,
        select=[key],
        categories={
            "VormenVanJeugdzorg": _categories(JEUGD_FORMS),
            "RegioS": [{"Key": pad(g.code, 6), "Title": g.name, "Description": "", "CategoryGroupID": None}
                       for g in demo_region()],
            "Perioden": period_categories(periods, {"2024HJ02"}),
        },
    )  # fmt: skip
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
                observations.append({
                    "Measure": VERWIJZER_MEASURE, "ValueAttribute": "Confidential" if secret else "None",
                    "Value": None if secret else round(value), "StringValue": None,
                    "VerwijzerJeugdzorg": key, "RegioS": gemeente.code, "Perioden": f"{year}JJ00",
                })  # fmt: skip

    def codes(items: list[tuple[str, str]], **extra: object) -> list[dict]:
        return [{"Identifier": k, "Index": i, "Title": t, "Description": "", "DimensionGroupId": None, **extra}
                for i, (k, t) in enumerate(items, 1)]  # fmt: skip

    periods = [
        {**code, "Status": "Voorlopig" if code["Identifier"] == f"{YEARS[-1]}JJ00" else "Definitief"}
        for code in codes([(f"{y}JJ00", str(y)) for y in YEARS])
    ]
    documents = v4_documents(
        table_id,
        title=f"Jeugdhulptrajecten in natura; verwijzer, regio ({SYNTHETIC_LABEL})",
        modified="2025-05-01T02:00:00+02:00",
        temporal_coverage=f"{YEARS[0]}-{YEARS[-1]}",
        dimensions=[
            ("VerwijzerJeugdzorg", "Verwijzer jeugdzorg", "Dimension",
             codes([(k, t) for k, (t, _, _) in REFERRERS.items()])),
            ("RegioS", "Regio's", "GeoDimension", codes([(g.code, g.name) for g in demo_region()])),
            ("Perioden", "Perioden", "TimeDimension", periods),
        ],
        measures=[{"Identifier": VERWIJZER_MEASURE, "Index": 1, "Title": "Jeugdhulptrajecten",
                   "Description": SYNTHETIC_LABEL, "MeasureGroupId": None, "DataType": "Long", "Unit": "aantal",
                   "Format": None, "Decimals": 0, "PresentationType": "Absolute"}],
        groups=[],
        observations=observations,
    )  # fmt: skip
    return [DemoTable(table_id, documents, datetime(2025, 5, 1, tzinfo=UTC))]
