"""SYNTHETIC CBS money tables for the demo region: Wmo and jeugdzorg costs, raw Iv3 data per taakveld (2017 and
2023 code lists), and bijstand per month. Amounts follow pipelines/demo/finance.py."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from pipelines.demo.finance import gemeente_money
from pipelines.demo.geography import YEARS, Gemeente, demo_region, rng
from pipelines.demo.odata import SYNTHETIC_LABEL, number_properties, pad, topic_keys, v3_documents
from pipelines.demo.population import total
from pipelines.demo.statline import DemoTable, dimension, period_categories, topic
from pipelines.sources.cbs.registry import TableFamily

THOUSAND = 1_000
WMO_TYPES = {  # TypeMaatwerkvoorziening key -> (title, share key in finance.WMO_COST_SHARES or None for the total)
    "T001024": ("Totaal maatwerkvoorzieningen", None),
    "A019507": ("Hulp bij het huishouden", "hulp_bij_het_huishouden"),
    "A019506": ("Ondersteuning thuis", "ondersteuning_thuis"),
    "A019509": ("Hulpmiddelen en diensten", "hulpmiddelen_diensten"),
    "A019508": ("Verblijf en opvang", "verblijf_opvang"),
}
JEUGD_FORMS = {  # VormenVanJeugdzorg key -> (title, parts of finance.JEUGD_COST_SHARES it sums)
    "JZ": (
        "JZ Totaal jeugdzorg",
        ("jeugdhulp_zonder_verblijf", "jeugdhulp_met_verblijf", "jeugdbescherming", "jeugdreclassering"),
    ),
    "JH1": ("JH 1 Totaal jeugdhulp", ("jeugdhulp_zonder_verblijf", "jeugdhulp_met_verblijf")),
    "JH121": ("JH 121 Totaal jeugdhulp zonder verblijf", ("jeugdhulp_zonder_verblijf",)),
    "JH122": ("JH 122 Totaal jeugdhulp met verblijf", ("jeugdhulp_met_verblijf",)),
    "JB1": ("JB 1 Totaal jeugdbescherming", ("jeugdbescherming",)),
    "JR1": ("JR 1 Totaal jeugdreclassering", ("jeugdreclassering",)),
}
# Iv3: taakveld -> (title, how its lasten follow from the gemeente's money), per code list
IV3_2017 = {
    "5.1": "Sportbeleid en activering", "5.2": "Sportaccommodaties", "6.1": "Samenkracht en burgerparticipatie",
    "6.2": "Wijkteams", "6.6": "Maatwerkvoorzieningen (WMO)", "6.71": "Maatwerkdienstverlening 18+",
    "6.72": "Maatwerkdienstverlening 18-", "6.81": "Geëscaleerde zorg 18+", "6.82": "Geëscaleerde zorg 18-",
}  # fmt: skip
IV3_2023 = {
    "5.1": "Sportbeleid en activering", "5.2": "Sportaccommodaties", "6.1": "Samenkracht en burgerparticipatie",
    "6.2": "Toegang en eerstelijnsvoorzieningen", "6.6": "Maatwerkvoorzieningen (WMO)",
    "6.71a": "Huishoudelijke hulp (WMO)", "6.71b": "Begeleiding (WMO)", "6.71c": "Dagbesteding (WMO)",
    "6.71d": "Overige maatwerkarrangementen (WMO)", "6.72a": "Jeugdhulp begeleiding", "6.72b": "Jeugdhulp behandeling",
    "6.72c": "Jeugdhulp dagbesteding", "6.72d": "Jeugdhulp zonder verblijf overig", "6.73a": "Pleegzorg",
    "6.73b": "Gezinsgericht", "6.73c": "Jeugdhulp met verblijf overig",
    "6.74a": "Jeugdhulp behandeling GGZ zonder verblijf",
    "6.74b": "Jeugdhulp crisis/LTA/GGZ-verblijf", "6.74c": "Gesloten plaatsing", "6.81a": "Beschermd wonen (WMO)",
    "6.81b": "Maatschappelijke- en vrouwenopvang (WMO)", "6.82a": "Jeugdbescherming", "6.82b": "Jeugdreclassering",
}  # fmt: skip
CATEGORIES = {"L1.1": ("Salarissen en sociale lasten", 0.22), "L3.4": ("Overige goederen en diensten", 0.78)}
REPORTS = {"X000": "Begroting", "X005": "Jaarrekening"}


def _gemeente_rows() -> list[dict]:
    return [{"Key": pad(g.code, 6), "Title": g.name} for g in demo_region()]


def _cost_table(
    table_id: str,
    title: str,
    dimension_key: str,
    categories: dict[str, str],
    topics: list[dict],
    values: Callable[[Gemeente, int, str], dict[str, float]],
) -> DemoTable:
    """A gemeente x category x year table of amounts (the last year provisional), published mid-2025."""
    properties = number_properties([
        dimension("RegioS", "Regio's", "GeoDimension"),
        dimension(dimension_key, dimension_key),
        dimension("Perioden", "Perioden", "TimeDimension"),
        *topics,
    ])  # fmt: skip
    keys = topic_keys(properties)
    rows = [
        {"RegioS": pad(gemeente.code, 6), dimension_key: key, "Perioden": f"{year}JJ00",
         **{keys[stem]: round(value) for stem, value in values(gemeente, year, key).items()}}
        for gemeente in demo_region() for year in YEARS for key in categories
    ]  # fmt: skip
    documents = v3_documents(
        table_id, title=f"{title} ({SYNTHETIC_LABEL})", period="2015-2024", modified="2025-07-01T02:00:00",
        properties=properties, rows=rows,
        categories={"RegioS": _gemeente_rows(),
                    dimension_key: [{"Key": k, "Title": t} for k, t in categories.items()],
                    "Perioden": period_categories([f"{y}JJ00" for y in YEARS], {f"{YEARS[-1]}JJ00"})},
    )  # fmt: skip
    return DemoTable(table_id, documents, datetime(2025, 7, 1, tzinfo=UTC))


def wmo_kosten_tables(family: TableFamily) -> list[DemoTable]:
    def values(gemeente: Gemeente, year: int, key: str) -> dict[str, float]:
        money, part = gemeente_money(gemeente, year), WMO_TYPES[key][1]
        realised = sum(money.wmo.values()) if part is None else money.wmo[part]
        return {"BegroteUitgaven": realised * money.budget_ratio / THOUSAND,
                "GerealiseerdeUitgaven": realised / THOUSAND,
                "GerealiseerdeUitgavenPerInwoner": realised / total(gemeente.areas, year).population}  # fmt: skip

    topics = [topic("BegroteUitgaven", "Begrote uitgaven", "x 1 000 euro"),
              topic("GerealiseerdeUitgaven", "Gerealiseerde uitgaven", "x 1 000 euro"),
              topic("GerealiseerdeUitgavenPerInwoner", "Gerealiseerde uitgaven per inwoner", "euro")]  # fmt: skip
    categories = {k: t for k, (t, _) in WMO_TYPES.items()}
    return [
        _cost_table(
            family.tables["doorlopend"],
            "Gemeentelijke uitgaven Wmo-maatwerkvoorzieningen",
            "TypeMaatwerkvoorziening",
            categories,
            topics,
            values,
        )
    ]


def jeugdzorg_kosten_tables(family: TableFamily) -> list[DemoTable]:
    def values(gemeente: Gemeente, year: int, key: str) -> dict[str, float]:
        money = gemeente_money(gemeente, year)
        realised = sum(money.jeugd[part] for part in JEUGD_FORMS[key][1])
        return {"BegroteKosten": realised * money.budget_ratio / THOUSAND, "GerealiseerdeKosten": realised / THOUSAND}

    topics = [topic("BegroteKosten", "Begrote kosten", "x 1 000 euro"),
              topic("GerealiseerdeKosten", "Gerealiseerde kosten", "x 1 000 euro")]  # fmt: skip
    categories = {k: t for k, (t, _) in JEUGD_FORMS.items()}
    return [
        _cost_table(
            family.tables["doorlopend"],
            "Gemeentelijke kosten; jeugdzorg, regio",
            "VormenVanJeugdzorg",
            categories,
            topics,
            values,
        )
    ]


def iv3_lasten(gemeente: Gemeente, year: int) -> dict[str, float]:
    """Realised lasten in euro per taakveld of that year's code list (2017 list until 2022, then 2023)."""
    m = gemeente_money(gemeente, year)
    hbh, thuis = m.wmo["hulp_bij_het_huishouden"], m.wmo["ondersteuning_thuis"]
    zonder, met = m.jeugd["jeugdhulp_zonder_verblijf"], m.jeugd["jeugdhulp_met_verblijf"]
    common = {
        "5.1": m.sport["5.1"],
        "5.2": m.sport["5.2"],
        "6.1": m.samenkracht,
        "6.2": m.toegang,
        "6.6": m.wmo["hulpmiddelen_diensten"],
    }
    if year < 2023:
        return common | {
            "6.71": hbh + thuis,
            "6.72": zonder + met,
            "6.81": m.wmo["verblijf_opvang"],
            "6.82": m.jeugd["jeugdbescherming"] + m.jeugd["jeugdreclassering"],
        }
    return common | {
        "6.71a": hbh, "6.71b": thuis * 0.6, "6.71c": thuis * 0.3, "6.71d": thuis * 0.1,
        "6.72a": zonder * 0.35, "6.72b": zonder * 0.35, "6.72c": zonder * 0.1, "6.72d": zonder * 0.1,
        "6.74a": zonder * 0.1, "6.73a": met * 0.3, "6.73b": met * 0.2, "6.73c": met * 0.3, "6.74b": met * 0.12,
        "6.74c": met * 0.08, "6.81a": m.wmo["verblijf_opvang"] * 0.8, "6.81b": m.wmo["verblijf_opvang"] * 0.2,
        "6.82a": m.jeugd["jeugdbescherming"], "6.82b": m.jeugd["jeugdreclassering"],
    }  # fmt: skip


def iv3_tables(family: TableFamily) -> list[DemoTable]:
    tables = []
    for edition, table_id in family.tables.items():
        year = int(edition)
        code_list = IV3_2017 if year < 2023 else IV3_2023
        properties = number_properties(
            [
                dimension("Gemeenten", "Gemeenten", "GeoDimension"),
                dimension("TaakveldBalanspost", "Taakveld/balanspost"),
                dimension("Categorie", "Categorie"),
                dimension("Verslagsoort", "Verslagsoort"),
                topic("k_1ePlaatsing", "1e plaatsing", "x 1 000 euro"),
                topic("k_2ePlaatsing", "2e plaatsing", "x 1 000 euro"),
            ]
        )
        keys = topic_keys(properties)
        rows = []
        for gemeente in demo_region():
            ratio = gemeente_money(gemeente, year).budget_ratio
            for taakveld, realised in iv3_lasten(gemeente, year).items():
                # some taakvelden overrun their budget more than others
                budget = ratio * rng("begroting", gemeente.code, taakveld, year).uniform(0.94, 1.05)
                for category, (_, share) in CATEGORIES.items():
                    for report in REPORTS:
                        amount = realised * share * (budget if report == "X000" else 1) / THOUSAND
                        r = rng("iv3", gemeente.code, taakveld, category, report, year)
                        rows.append(
                            {
                                "Gemeenten": pad(gemeente.code, 9),
                                "TaakveldBalanspost": pad(taakveld, 6),
                                "Categorie": category,
                                "Verslagsoort": f"{year}{report}",
                                keys["k_1ePlaatsing"]: round(amount * r.uniform(0.99, 1.01)),
                                keys["k_2ePlaatsing"]: round(amount),
                            }
                        )
        documents = v3_documents(
            table_id,
            title=f"Gemeenten {year} onbewerkte Iv3-data ({SYNTHETIC_LABEL})",
            period=str(year),
            modified=f"{year + 1}-08-01T02:00:00",
            properties=properties,
            rows=rows,
            feed="https://dataderden.cbs.nl/ODataFeed/odata",
            categories={
                "Gemeenten": [{"Key": pad(g.code, 9), "Title": g.name} for g in demo_region()],
                "TaakveldBalanspost": [{"Key": pad(k, 6), "Title": f"{k} {t}"} for k, t in code_list.items()],
                "Categorie": [{"Key": k, "Title": t} for k, (t, _) in CATEGORIES.items()],
                "Verslagsoort": [{"Key": f"{year}{k}", "Title": f"{t} {year}"} for k, t in REPORTS.items()],
            },
        )
        tables.append(DemoTable(table_id, documents, datetime(year + 1, 8, 1, tzinfo=UTC)))
    return tables


def bijstand_tables(family: TableFamily) -> list[DemoTable]:
    table_id = family.tables["doorlopend"]
    properties = number_properties(
        [
            dimension("Uitkeringsgrondslag", "Uitkeringsgrondslag"),
            dimension("RegioS", "Regio's", "GeoDimension"),
            dimension("Perioden", "Perioden", "TimeDimension"),
            topic("Bijstandsuitkeringen", "Bijstandsuitkeringen"),
        ]
    )
    keys = topic_keys(properties)
    months = [f"{y}MM{m:02d}" for y in YEARS for m in range(1, 13)]
    rows = []
    for gemeente in demo_region():
        for period in months:
            base = total(gemeente.areas, int(period[:4])).bijstand * 0.62  # benefits are per household
            value = base * rng("bijstand", gemeente.code, period).uniform(0.98, 1.02)
            rows.append(
                {
                    "Uitkeringsgrondslag": "T001084",
                    "RegioS": pad(gemeente.code, 6),
                    "Perioden": period,
                    keys["Bijstandsuitkeringen"]: round(value, -1),
                }
            )  # CBS rounds these to tens
    documents = v3_documents(
        table_id,
        title=f"Bijstandsuitkeringen; uitkeringsgrondslag, regio's ({SYNTHETIC_LABEL})",
        period="2015-2024",
        modified="2025-03-01T02:00:00",
        properties=properties,
        rows=rows,
        categories={
            "Uitkeringsgrondslag": [{"Key": "T001084", "Title": "Totaal uitkeringsgrondslagen"}],
            "RegioS": _gemeente_rows(),
            "Perioden": period_categories(months, set(months[-3:])),
        },
    )
    return [DemoTable(table_id, documents, datetime(2025, 3, 1, tzinfo=UTC))]
