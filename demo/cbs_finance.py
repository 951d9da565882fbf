"""SYNTHETIC CBS money tables for the demo region: Wmo and jeugdzorg costs, raw Iv3 data per taakveld (2017 and
2023 code lists), and bijstand per month. Amounts follow demo/finance.py.

Iv3 is a cube without a time dimension, keys padded as in the real tables (Gemeenten to 9, TaakveldBalanspost to 6,
Categorie to 8); the 2017 table uses the older names CBS's Iv3 tables have had (FunctieKostenplaatsBalanspost,
k_1stePlaatsing_1, k_2dePlaatsing_2, as in the real 45012NED), so the demo runs through the registry's
alternatives. Editions after the demo's years (2025, 2026) are not generated.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from demo.finance import gemeente_money
from demo.geography import YEARS, Gemeente, demo_region, rng
from demo.odata import SYNTHETIC_LABEL, data_properties, dimension, pad, topic, topic_keys, v3_documents
from demo.population import total
from demo.statline import DemoTable, period_categories
from pipelines.sources.cbs.registry import TableFamily

THOUSAND = 1_000
WMO_TYPES = {  # TypeMaatwerkvoorziening key -> (title, share key in finance.WMO_COST_SHARES or None for the total)
    "T001024": ("Totaal maatwerkvoorzieningen", None),
    "A019507": ("Hulp bij het huishouden", "hulp_bij_het_huishouden"),
    "A019506": ("Ondersteuning thuis", "ondersteuning_thuis"),
    "A019509": ("Hulpmiddelen en diensten", "hulpmiddelen_diensten"),
    "A019508": ("Verblijf en opvang", "verblijf_opvang"),
}
# VormenVanJeugdzorg of 83454NED: the titles public code reads from it; the keys are unknown, these are
# placeholders of CBS's shape (dbt maps these categories by title). key -> (title, parts of JEUGD_COST_SHARES)
JEUGD_FORMS = {
    "A045571": (
        "JZ Totaal jeugdzorg",
        ("jeugdhulp_zonder_verblijf", "jeugdhulp_met_verblijf", "jeugdbescherming", "jeugdreclassering"),
    ),
    "A045572": ("JH 1 Totaal jeugdhulp", ("jeugdhulp_zonder_verblijf", "jeugdhulp_met_verblijf")),
    "A045573": ("JH met verblijf (Zin+PGB)", ("jeugdhulp_met_verblijf",)),
    "A045574": ("JB 1 Totaal jeugdbescherming", ("jeugdbescherming",)),
    "A045575": ("JR 1 Totaal jeugdreclassering", ("jeugdreclassering",)),
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
OLD_NAMES = {2017}  # editions generated with FunctieKostenplaatsBalanspost and k_1stePlaatsing / k_2dePlaatsing


def _category(key: str, title: str, width: int | None = None) -> dict:
    return {"Key": pad(key, width) if width else key, "Title": title, "Description": "", "CategoryGroupID": None}


def _cost_table(
    table_id: str,
    title: str,
    geo: str,
    dimension_key: str,
    categories: dict[str, str],
    topics: list[dict],
    values: Callable[[Gemeente, int, str], dict[str, float]],
) -> DemoTable:
    """A gemeente x category x year table of amounts (the last year provisional), published mid-2025."""
    properties = data_properties([
        dimension(geo, "Regio's", "GeoDimension"),
        dimension(dimension_key, dimension_key),
        dimension("Perioden", "Perioden", "TimeDimension"),
        *topics,
    ])  # fmt: skip
    keys = topic_keys(properties)
    rows = [
        {geo: pad(gemeente.code, 6), dimension_key: key, "Perioden": f"{year}JJ00",
         **{keys[stem]: round(value) for stem, value in values(gemeente, year, key).items()}}
        for gemeente in demo_region() for year in YEARS for key in categories
    ]  # fmt: skip
    documents = v3_documents(
        table_id, title=f"{title} ({SYNTHETIC_LABEL})", period="2015-2024", modified="2025-07-01T02:00:00",
        properties=properties, rows=rows,
        categories={geo: [_category(g.code, g.name, 6) for g in demo_region()],
                    dimension_key: [_category(k, t) for k, t in categories.items()],
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
            "Gemeentelijke uitgaven Wmo-maatwerkvoorzieningen; type voorziening, regio",
            "RegioS",
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
            "Regio",  # the name public code reads this table's geo dimension under
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
    for year in YEARS:
        if str(year) not in family.tables:
            continue
        table_id = family.tables[str(year)]
        code_list = IV3_2017 if year < 2023 else IV3_2023
        old = year in OLD_NAMES
        taakveld = "FunctieKostenplaatsBalanspost" if old else "TaakveldBalanspost"
        first, second = ("k_1stePlaatsing", "k_2dePlaatsing") if old else ("k_1ePlaatsing", "k_2ePlaatsing")
        properties = data_properties([
            dimension(taakveld, taakveld),
            dimension("Categorie", "Categorie"),
            dimension("Gemeenten", "Gemeenten", "GeoDimension"),
            dimension("Verslagsoort", "Verslagsoort"),
            topic(first, "1ste plaatsing" if old else "1e plaatsing", "1 000 euro", "Double", 3, "Relative"),
            topic(second, "2de plaatsing" if old else "2e plaatsing", "1 000 euro", "Double", 3, "Relative"),
        ])  # fmt: skip
        keys = topic_keys(properties)
        rows = []
        for gemeente in demo_region():
            ratio = gemeente_money(gemeente, year).budget_ratio
            for code, realised in iv3_lasten(gemeente, year).items():
                # some taakvelden overrun their budget more than others
                budget = ratio * rng("begroting", gemeente.code, code, year).uniform(0.94, 1.05)
                for category, (_, share) in CATEGORIES.items():
                    for report in REPORTS:
                        amount = realised * share * (budget if report == "X000" else 1) / THOUSAND
                        r = rng("iv3", gemeente.code, code, category, report, year)
                        rows.append(
                            {
                                taakveld: pad(code, 6),
                                "Categorie": pad(category, 8),
                                "Gemeenten": pad(gemeente.code, 9),
                                "Verslagsoort": f"{year}{report}",
                                keys[first]: float(round(amount * r.uniform(0.99, 1.01))),
                                keys[second]: float(round(amount)),
                            }
                        )
        documents = v3_documents(
            table_id,
            title=f"Gemeenten {year} onbewerkte Iv3-data ({SYNTHETIC_LABEL})",
            period=str(year),
            modified=f"{year + 1}-08-01T02:00:00",
            properties=properties,
            rows=rows,
            catalog="dataderden",
            categories={
                taakveld: [_category(k, f"{k} {t}", 6) for k, t in code_list.items()],
                "Categorie": [_category(k, f"{k} {t}", 8) for k, (t, _) in CATEGORIES.items()],
                "Gemeenten": [_category(g.code, g.name, 9) for g in demo_region()],
                "Verslagsoort": [_category(f"{year}{k}", t) for k, t in REPORTS.items()],
            },
        )
        tables.append(DemoTable(table_id, documents, datetime(year + 1, 8, 1, tzinfo=UTC)))
    return tables


def bijstand_tables(family: TableFamily) -> list[DemoTable]:
    table_id = family.tables["doorlopend"]
    properties = data_properties(
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
            "Uitkeringsgrondslag": [_category("T001084", "Totaal uitkeringsgrondslagen")],
            "RegioS": [_category(g.code, g.name, 6) for g in demo_region()],
            "Perioden": period_categories(months, set(months[-3:])),
        },
    )
    return [DemoTable(table_id, documents, datetime(2025, 3, 1, tzinfo=UTC))]
