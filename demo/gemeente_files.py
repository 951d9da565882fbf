"""Deterministic SYNTHETIC gemeente files for the demo region, written into the inbox as a gemeente would deliver.

Every file name contains "synthetisch" (so the loader flags its rows as synthetic) and every file says so in a
title, comment or column. The files agree with the demo geography (wijken, postcodes, the Almelo 2021
re-division) and with the synthetic truth per area (population, Wmo clients, youth with jeugdzorg), and they
carry the mess real deliveries have:

- postcodes: the postcode table 2015-2024 (UTF-8, comma);
- subsidies: one register per gemeente; Almelo's is Windows-1252 with ``;``, decimal commas, thousands points and
  ``€`` signs, Enschede's an .xlsx with a title block, a two-row (merged) header, a blank row and a totals row;
  Almelo's has ``BAD_SUBSIDY_ROWS`` rows that must be quarantined;
- zorg: Almelo's case-system export (CSV, 2024: allocations and quarterly invoice lines, with client names that
  must never be loaded and ``BAD_EXPORT_ROWS`` bad rows), and Borne's iWmo/iJw 3.2 messages (301 allocations,
  323 declarations, one of them crediting and re-invoicing a line, one delivered twice, a 325 answer);
- initiatieven: Hengelo's workbook (a sheet per year with a title block, wijk names, a contact-person column that
  must never be loaded, and a "Toelichting" sheet), Enschede's as CSV;
- voorzieningen: one list for the region (2024), by postcode or wijk;
- indicatoren: a wijk monitor in long form (2020, 2022, 2024), ``;`` with decimal commas.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import count
from pathlib import Path

from lxml import etree
from openpyxl import Workbook

from demo.care_export import BAD_EXPORT_ROWS as BAD_EXPORT_ROWS  # the demo's bad rows, in one place
from demo.care_export import care_export
from demo.care_history import PRODUCTS
from demo.care_history import YEARS as CARE_YEARS
from demo.common import LABEL, csv_text, person_name, synthetic_bsn
from demo.geography import Gemeente, Placement, demo_region, placements, postcode_table, rng
from demo.population import area_year

SUBSIDY_YEARS = range(2019, 2025)
CARE_YEAR = 2024
INDICATOR_YEARS = (2020, 2022, 2024)
BAD_SUBSIDY_ROWS = 4  # Almelo: text amount, unknown wijk, grant date in the future, negative amount
BAD_INITIATIVE_ROWS = 1  # Hengelo 2024: a wijk name that is no wijk of Hengelo
BAD_VOORZIENING_ROWS = 2  # neither wijk nor postcode; a kind that is not on the list
BAD_INDICATOR_ROWS = 2  # a period in the future; a region that does not exist

SCHEMES = (  # name, share of a wijk's budget, typical applicants
    ("Subsidieregeling Bewonersinitiatieven", 0.08, ("(Particulier)", "Bewonersgroep {wijk}")),
    ("Vrijwilligerswerk en mantelzorgondersteuning", 0.14, ("Stichting Vrijwilligerscentrale", "Mantelzorg {gem}")),
    ("Exploitatie buurthuizen en wijkcentra", 0.30, ("Stichting Wijkcentrum {wijk}", "Buurthuis {wijk}")),
    ("Buurtsportcoaches en beweegnetwerk", 0.10, ("Sportservice {gem}",)),
    ("Cursussen en trainingen voor bewoners", 0.06, ("Volksuniversiteit {gem}", "Bibliotheek {gem}")),
    ("Welzijnsopdracht sociale basis", 0.26, ("Stichting Welzijn {gem}",)),
    ("Wijkplatform en bewonersoverleg", 0.06, ("Wijkraad {wijk}",)),
)
WMO_PRODUCTS, JEUGD_PRODUCTS = (  # (category, code, unit, tariff, volume per quarter), as Borne's messages use them
    tuple((p.category, p.code, p.unit, p.tariff, p.volume) for p in PRODUCTS if p.wet == wet)
    for wet in ("wmo", "jeugd")
)
DECLARATION_DATES = (f"{CARE_YEAR}-04-10", f"{CARE_YEAR}-07-10")  # Borne's Q1 and Q2 declarations
QUARTERS = (("01-01", "03-31"), ("04-01", "06-30"), ("07-01", "09-30"), ("10-01", "12-31"))


# --- writers ------------------------------------------------------------------------------------------------


def _euro_nl(amount: float) -> str:
    """€ 1.234,50 (Dutch spelling, as Excel exports it)."""
    whole, cents = f"{amount:,.2f}".split(".")
    return f"€ {whole.replace(',', '.')},{cents}"


def xlsx_bytes(sheets: list[tuple[str, list[list[object]], list[str]]]) -> bytes:
    """A workbook with fixed timestamps (openpyxl stamps the time of saving), so demo files are stable."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows, merges in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for cells in merges:
            sheet.merge_cells(cells)
    raw = io.BytesIO()
    workbook.save(raw)
    fixed = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2025-01-01T00:00:00Z", data)
            target.writestr(zipfile.ZipInfo(info.filename, date_time=(2025, 1, 1, 0, 0, 0)), data)
    return fixed.getvalue()


# --- postcodes ----------------------------------------------------------------------------------------------


def postcode_file() -> str:
    rows: list[list[object]] = [["postcode", "buurtcode", "wijkcode", "gemeentecode", "jaar"]]
    for year in range(2015, 2025):
        rows += [[pc, buurt, wijk, gm, year] for pc, buurt, wijk, gm in postcode_table(year)]
    return csv_text(rows)


# --- subsidies ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Subsidy:
    dossier: str
    applicant: str
    scheme: str
    project: str
    requested: float
    granted: float
    year: int
    granted_on: str
    wijk: str


def _wijken(gemeente: Gemeente, year: int) -> dict[str, list[Placement]]:
    by_wijk: dict[str, list[Placement]] = {}
    for placement in placements(gemeente, year):
        by_wijk.setdefault(placement.wijk.code, []).append(placement)
    return by_wijk


def subsidies(gemeente: Gemeente) -> list[Subsidy]:
    """Grants per wijk and year: a budget of about € 25 per inhabitant, spread over the schemes."""
    result = []
    for year in SUBSIDY_YEARS:
        for wijk_code, wijk_placements in _wijken(gemeente, year).items():
            wijk = wijk_placements[0].wijk
            inhabitants = sum(area_year(p.area, year).population for p in wijk_placements)
            r = rng("subsidies", wijk_code, year)
            for scheme, share, applicants in SCHEMES:
                budget = inhabitants * 25 * share * r.uniform(0.7, 1.3)
                for part in range(r.randint(1, 2)):
                    granted = round(budget / 2 if part else budget * (1 if r.random() < 0.5 else 0.5), -1)
                    if granted < 100:
                        continue
                    applicant = r.choice(applicants).format(wijk=wijk.name, gem=gemeente.name)
                    result.append(
                        Subsidy(
                            dossier=f"SUB-{gemeente.code[2:]}-{year}-{len(result) + 1:05d}",
                            applicant=applicant,
                            scheme=scheme,
                            project=f"{scheme.split()[0]} {wijk.name} {year}",
                            requested=round(granted * r.uniform(1.0, 1.25), -1),
                            granted=granted,
                            year=year,
                            granted_on=f"{year - 1}-{r.randint(9, 12):02d}-{r.randint(1, 28):02d}",
                            wijk=wijk_code,
                        )
                    )
    return result


def almelo_register() -> bytes:
    """Windows-1252, semicolons, decimal commas, € signs; wijk names instead of codes; four bad rows."""
    gemeente = demo_region()[0]
    names = {w.code: w.name for w in gemeente.wijken}
    rows: list[list[object]] = [
        [
            "Dossiernummer",
            "Aanvrager",
            "Regeling",
            "Project",
            "Bedrag aangevraagd",
            "Bedrag verleend",
            "Subsidiejaar",
            "Datum verlening",
            "Wijk",
        ]
    ]
    for s in subsidies(gemeente):
        rows.append(
            [
                s.dossier,
                s.applicant,
                s.scheme,
                s.project,
                _euro_nl(s.requested),
                _euro_nl(s.granted),
                s.year,
                f"{s.granted_on[8:10]}-{s.granted_on[5:7]}-{s.granted_on[:4]}",
                names[s.wijk],
            ]
        )
    bad = ["SUB-0141-BAD-0001", "Stichting Café De Brug", "Exploitatie buurthuizen en wijkcentra", "Koffie-ochtend"]
    rows += [
        [*bad, "€ 1.200,00", "n.v.t.", 2024, "14-01-2024", "Binnenstad"],
        [*bad[:3], "Wijkfeest", "€ 800,00", "€ 750,00", 2024, "02-02-2024", "WK014199"],
        [*bad[:3], "Zomerprogramma", "€ 2.000,00", "€ 2.000,00", 2024, "01-06-2031", "Kerkelanden"],
        [*bad[:3], "Correctie", "€ 500,00", "-€ 1.500,00", 2024, "01-03-2024", "De Riet"],
    ]
    return csv_text(rows, ";").encode("cp1252")


def enschede_register() -> bytes:
    """An .xlsx as a controller makes it: title block, a two-row header with merged cells, a blank row and a
    totals row at the end."""
    gemeente = next(g for g in demo_region() if g.code == "GM0153")
    grants = subsidies(gemeente)
    rows: list[list[object]] = [
        [f"Subsidieregister gemeente Enschede {SUBSIDY_YEARS[0]}-{SUBSIDY_YEARS[-1]}"],
        [f"{LABEL}: gegenereerd door demo/gemeente_files.py"],
        [],
        ["Dossier", "Organisatie", "Subsidieregeling", "Bedrag", None, "Boekjaar", "Wijkcode", "Gemeente"],
        [None, None, None, "aangevraagd", "verleend", None, None, None],
    ]
    rows += [[s.dossier, s.applicant, s.scheme, s.requested, s.granted, s.year, s.wijk, gemeente.code] for s in grants]
    rows += [[], ["Totaal", None, None, sum(s.requested for s in grants), sum(s.granted for s in grants)]]
    merges = ["D4:E4", "A4:A5", "B4:B5", "C4:C5", "F4:F5", "G4:G5", "H4:H5"]
    return xlsx_bytes([("Register", rows, merges)])


def plain_register(gemeente: Gemeente) -> bytes:
    rows: list[list[object]] = [
        [
            "gemeente",
            "dossiernummer",
            "aanvrager",
            "regelingnaam",
            "bedrag_aangevraagd",
            "bedrag_verleend",
            "subsidiejaar",
            "datum_verlening",
            "wijkcode",
        ]
    ]
    rows += [
        [
            gemeente.code,
            s.dossier,
            s.applicant,
            s.scheme,
            f"{s.requested:.2f}",
            f"{s.granted:.2f}",
            s.year,
            s.granted_on,
            s.wijk,
        ]
        for s in subsidies(gemeente)
    ]
    return csv_text(rows).encode()


# --- care -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Client:
    bsn: str
    name: str
    born: int
    postcode: str
    wet: str
    product: tuple[str, str, str, float, int]  # category, code, unit, tariff, volume per quarter


CLIENTS_PER_GEMEENTE = 50_000  # room for every client of the largest gemeente: BSNs stay distinct


def care_clients(gemeente: Gemeente, year: int) -> Iterator[Client]:
    """One client per Wmo client and per youth with jeugdzorg in the synthetic truth, living in their area."""
    first = demo_region().index(gemeente) * CLIENTS_PER_GEMEENTE
    serial = count(first)
    for placement in placements(gemeente, year):
        figures = area_year(placement.area, year)
        for wet, number, products, ages in (
            ("wmo", figures.wmo_clients, WMO_PRODUCTS, (1930, 1990)),
            ("jeugd", figures.youth_care, JEUGD_PRODUCTS, (year - 22, year - 1)),
        ):
            for i in range(round(number)):
                r = rng("client", placement.area.key, wet, i)
                yield Client(
                    bsn=synthetic_bsn(next(serial)),
                    name=person_name(placement.area.key, wet, i),
                    born=r.randint(*ages),
                    postcode=r.choice(placement.area.postcodes),
                    wet=wet,
                    product=r.choices(products, weights=(5, 3, 2))[0],
                )


def almelo_care_export() -> bytes:
    """Almelo's case-system export of 2021-2024 (demo/care_export.py)."""
    gemeente = demo_region()[0]
    return care_export(gemeente, demo_region().index(gemeente) * CLIENTS_PER_GEMEENTE)


NS_BASE = {
    "wmo": "http://www.istandaarden.nl/iwmo/3_2/basisschema/schema",
    "jeugd": "http://www.istandaarden.nl/ijw/3_2/basisschema/schema",
}


class _Message:
    """Builds one iWmo/iJw 3.2 message with lxml (the same element order as the standard's examples)."""

    def __init__(self, wet: str, code: str, berichtcode: str, sender: str, receiver: str, ident: str, date: str):
        prefix = "wmo" if wet == "wmo" else "jw"
        self.ns = f"http://www.istandaarden.nl/{'iwmo' if wet == 'wmo' else 'ijw'}/3_2/{prefix}{code}/schema"
        self.base = NS_BASE[wet]
        self.root = etree.Element(self.q("Bericht"), nsmap={prefix + code: self.ns, "i" + prefix: self.base})
        header = self.sub(self.root, "Header")
        for name, value in (
            ("BerichtCode", berichtcode),
            ("BerichtVersie", "3"),
            ("BerichtSubversie", "2"),
            ("Afzender", sender),
            ("Ontvanger", receiver),
        ):
            self.sub(header, name, value)
        ident_el = self.sub(header, "BerichtIdentificatie")
        self.sub(ident_el, "Identificatie", ident, base=True)
        self.sub(ident_el, "Dagtekening", date, base=True)
        self.root.insert(0, etree.Comment(f" {LABEL} "))

    def q(self, name: str, base: bool = False) -> str:
        return f"{{{self.base if base else self.ns}}}{name}"

    def sub(self, parent: etree._Element, name: str, text: object = None, base: bool = False) -> etree._Element:
        element = etree.SubElement(parent, self.q(name, base))
        if text is not None:
            element.text = str(text)
        return element

    def client(self, parent: etree._Element, c: Client, with_address: bool) -> etree._Element:
        element = self.sub(parent, "Client")
        self.sub(element, "Bsn", c.bsn)
        self.sub(self.sub(element, "Geboortedatum"), "Datum", f"{c.born}-06-15", base=True)
        self.sub(element, "Geslacht", "0")
        naam = self.sub(element, "Naam")
        self.sub(self.sub(naam, "Geslachtsnaam", base=True), "Achternaam", c.name.split(" ", 1)[1], base=True)
        self.sub(naam, "Voornamen", c.name.split(" ", 1)[0], base=True)
        if with_address:
            contact = self.sub(self.sub(element, "Contactgegevens"), "Contact")
            self.sub(contact, "Soort", "01")
            address = self.sub(contact, "Adres")
            self.sub(self.sub(address, "Huis", base=True), "Huisnummer", "1", base=True)
            self.sub(address, "Postcode", c.postcode, base=True)
        return element

    def bytes(self, pretty: bool = True) -> bytes:
        return etree.tostring(self.root, xml_declaration=True, encoding="UTF-8", pretty_print=pretty)


def _line(
    m: _Message,
    parent: etree._Element,
    c: Client,
    ref: str,
    allocation: str,
    period: tuple[str, str],
    volume: int,
    amount_cents: int,
    dc: str,
) -> None:
    category, code, unit, tariff, _ = c.product
    line = m.sub(parent, "Prestatie")
    m.sub(m.sub(line, "ProductReferentie"), "ReferentieNummer", ref, base=True)
    m.sub(line, "ToewijzingNummer", allocation)
    m.sub(line, "ProductCategorie", category)
    m.sub(line, "ProductCode", code)
    p = m.sub(line, "ProductPeriode")
    m.sub(p, "Begindatum", period[0], base=True)
    m.sub(p, "Einddatum", period[1], base=True)
    m.sub(line, "GeleverdVolume", volume)
    m.sub(line, "Eenheid", unit)
    m.sub(line, "ProductTarief", round(tariff * 100))
    bedrag = m.sub(line, "IngediendBedrag")
    m.sub(bedrag, "Bedrag", amount_cents, base=True)
    m.sub(bedrag, "DebetCredit", dc, base=True)


def borne_messages() -> dict[str, bytes]:
    """iWmo and iJw messages of provider 71000001 for 12 Borne clients (8 Wmo, 4 Jeugd), 2024."""
    gemeente = next(g for g in demo_region() if g.code == "GM0147")
    provider, gm = "71000001", gemeente.code[2:]
    clients = list(care_clients(gemeente, CARE_YEAR))
    chosen = {"wmo": [c for c in clients if c.wet == "wmo"][:8], "jeugd": [c for c in clients if c.wet == "jeugd"][:4]}
    files: dict[str, bytes] = {}
    for wet, group in chosen.items():
        std, code301, code323 = ("WMO", "414", "484") if wet == "wmo" else ("JW", "436", "490")
        for i, c in enumerate(group):  # one allocation message per client, as in practice
            m = _Message(wet, "301", code301, gm, provider, f"{std}301-{i + 1:04d}", f"{CARE_YEAR}-01-05")
            client = m.client(m.root, c, with_address=True)
            product = m.sub(m.sub(client, "ToegewezenProducten"), "ToegewezenProduct")
            m.sub(product, "ToewijzingNummer", f"B{wet[0].upper()}{i + 1:05d}")
            m.sub(product, "ReferentieAanbieder", provider)
            prod = m.sub(product, "Product")
            m.sub(prod, "Categorie", c.product[0], base=True)
            m.sub(prod, "Code", c.product[1], base=True)
            m.sub(product, "Toewijzingsdatum", f"{CARE_YEAR}-01-05")
            m.sub(product, "Ingangsdatum", f"{CARE_YEAR}-01-01")
            m.sub(product, "Einddatum", f"{CARE_YEAR}-12-31")
            omvang = m.sub(product, "Omvang")
            m.sub(omvang, "Volume", c.product[4], base=True)
            m.sub(omvang, "Eenheid", c.product[2], base=True)
            m.sub(omvang, "Frequentie", "4", base=True)
            files[f"{std}301_{i + 1:04d}_borne_synthetisch.xml"] = m.bytes()
        for q, (start, end) in enumerate(QUARTERS[:2], start=1):
            sent = DECLARATION_DATES[q - 1]
            m = _Message(wet, "323", code323, provider, gm, f"{std}323-Q{q}", sent)
            declaratie = m.sub(m.root, "Declaratie")
            m.sub(declaratie, "DeclaratieNummer", f"D{CARE_YEAR}Q{q}")
            periode = m.sub(declaratie, "DeclaratiePeriode")
            m.sub(periode, "Begindatum", f"{CARE_YEAR}-{start}", base=True)
            m.sub(periode, "Einddatum", f"{CARE_YEAR}-{end}", base=True)
            m.sub(declaratie, "DeclaratieDagtekening", sent)
            totaal = m.sub(declaratie, "TotaalIngediendBedrag")
            total_bedrag, total_dc = (
                m.sub(totaal, "TotaalBedrag", base=True),
                m.sub(totaal, "DebetCredit", "D", base=True),
            )
            clienten = m.sub(declaratie, "Clienten")
            total = 0
            for i, c in enumerate(group):
                el = m.client(clienten, c, with_address=False)
                for tag in ("Geboortedatum", "Geslacht", "Naam"):  # a 323 carries only the BSN
                    el.remove(el.find(m.q(tag)))
                lines = m.sub(el, "Prestaties")
                cents = _cents(c)
                allocation = f"B{wet[0].upper()}{i + 1:05d}"
                if q == 2 and i == 0:  # Q1 was invoiced with 2 units too many: credit it, invoice it again
                    _line(
                        m,
                        lines,
                        c,
                        f"R{q}-{i}-C",
                        allocation,
                        (f"{CARE_YEAR}-01-01", f"{CARE_YEAR}-03-31"),
                        c.product[4],
                        cents,
                        "C",
                    )
                    fixed = round(c.product[3] * 100) * (c.product[4] - 2)
                    _line(
                        m,
                        lines,
                        c,
                        f"R{q}-{i}-H",
                        allocation,
                        (f"{CARE_YEAR}-01-01", f"{CARE_YEAR}-03-31"),
                        c.product[4] - 2,
                        fixed,
                        "D",
                    )
                    total += fixed - cents
                _line(
                    m,
                    lines,
                    c,
                    f"R{q}-{i}",
                    allocation,
                    (f"{CARE_YEAR}-{start}", f"{CARE_YEAR}-{end}"),
                    c.product[4],
                    cents,
                    "D",
                )
                total += cents
            total_bedrag.text, total_dc.text = str(abs(total)), "D" if total >= 0 else "C"
            files[f"{std}323_Q{q}_borne_synthetisch.xml"] = m.bytes()
        if wet == "jeugd":  # the gemeente's answer to Q1: the first client's line rejected (return code 8001)
            files["JW325_Q1_borne_synthetisch.xml"] = _answer(group, provider, gm)
        # the provider's system sent Q1 again: the same message in another file (other bytes, same identification)
        again = etree.fromstring(files[f"{std}323_Q1_borne_synthetisch.xml"])
        again.insert(0, etree.Comment(" opnieuw verzonden "))
        files[f"{std}323_Q1_opnieuw_verzonden_borne_synthetisch.xml"] = etree.tostring(
            again, xml_declaration=True, encoding="UTF-8"
        )
    return files


def _cents(c: Client) -> int:
    """A quarter of care in euro cents: tariff x volume."""
    return round(c.product[3] * 100) * c.product[4]


def _answer(group: list[Client], provider: str, gm: str) -> bytes:
    """A JW325 declaration answer to Q1 rejecting the first client's line; a 325 lists only rejected lines."""
    m = _Message("jeugd", "325", "491", gm, provider, "JW325-Q1", "2024-04-20")
    antwoord = m.sub(m.root, "DeclaratieAntwoord")
    m.sub(antwoord, "DeclaratieNummer", f"D{CARE_YEAR}Q1")
    submitted = sum(_cents(c) for c in group)
    for name, total in (("TotaalIngediendBedrag", submitted), ("TotaalToegekendBedrag", submitted - _cents(group[0]))):
        totaal = m.sub(antwoord, name)
        m.sub(totaal, "TotaalBedrag", total, base=True)
        m.sub(totaal, "DebetCredit", "D", base=True)
    client = m.sub(m.sub(antwoord, "Clienten"), "Client")
    m.sub(client, "Bsn", group[0].bsn)
    lines = m.sub(client, "Prestaties")
    period = (f"{CARE_YEAR}-01-01", f"{CARE_YEAR}-03-31")
    _line(m, lines, group[0], "R1-0", "BJ00001", period, group[0].product[4], _cents(group[0]), "D")
    m.sub(m.sub(lines[-1], "RetourCodes"), "RetourCode", "8001")
    return m.bytes()


# --- initiatives, voorzieningen, indicators -------------------------------------------------------------------

THEMES = ("Ontmoeting", "Groen en buitenruimte", "Sport en bewegen", "Cultuur", "Jeugd", "Ouderen", "Taal")
STATUSES = ("Lopend", "Afgerond", "Afgerond", "Toegekend", "Ingediend", "Afgewezen")


def _initiatives(gemeente: Gemeente, year: int) -> Iterator[list[object]]:
    for wijk_code, wijk_placements in _wijken(gemeente, year).items():
        wijk = wijk_placements[0].wijk
        inhabitants = sum(area_year(p.area, year).population for p in wijk_placements)
        r = rng("initiatives", wijk_code, year)
        for i in range(max(1, round(inhabitants / 2500 * r.uniform(0.6, 1.4)))):
            start = f"{year}-{r.randint(1, 10):02d}-{r.randint(1, 28):02d}"
            yield [
                f"{r.choice(THEMES)} in {wijk.name} #{i + 1}",
                wijk.name,
                wijk_code,
                r.choice(THEMES),
                r.choice(STATUSES),
                start,
                f"{year}-12-31",
                round(r.uniform(250, 5000), -1),
                r.choice(("Buurthuis", "Bibliotheek", "Sportvereniging", "Woningcorporatie", "")),
                r.randint(2, 25),
                r.randint(10, 400),
                person_name("contact", wijk_code, year, i),
            ]


def hengelo_initiatives() -> bytes:
    gemeente = next(g for g in demo_region() if g.code == "GM0164")
    header = [
        "Naam initiatief",
        "Wijk",
        "Thema",
        "Status",
        "Startdatum",
        "Einddatum",
        "Toegekend bedrag",
        "Partners",
        "Aantal vrijwilligers",
        "Aantal deelnemers",
        "Contactpersoon",
        "Jaar",
    ]
    sheets = []
    for year in (2022, 2023, 2024):
        rows: list[list[object]] = [[f"Bewonersinitiatieven Hengelo {year}"], [LABEL], []]
        rows.append(header)
        for naam, wijk_naam, _, thema, status, start, end, bedrag, partners, vrijw, deeln, contact in _initiatives(
            gemeente, year
        ):
            rows.append([naam, wijk_naam, thema, status, start, end, bedrag, partners, vrijw, deeln, contact, year])
        if year == 2024:
            rows.append(
                [
                    "Moestuin aan de Esch",
                    "Esch-Oost",
                    "Groen en buitenruimte",
                    "Lopend",
                    "2024-04-01",
                    "2024-10-31",
                    750,
                    "",
                    5,
                    40,
                    person_name("contact", "bad"),
                    2024,
                ]
            )
        sheets.append((str(year), rows, ["A1:D1"]))
    sheets.append(("Toelichting", [["Toelichting"], ["Eén tabblad per jaar; bedragen in euro."], [LABEL]], []))
    return xlsx_bytes(sheets)


def enschede_initiatives() -> bytes:
    gemeente = next(g for g in demo_region() if g.code == "GM0153")
    rows: list[list[object]] = [
        ["naam", "wijkcode", "thema", "status", "startdatum", "bedrag", "vrijwilligers", "deelnemers", "jaar"]
    ]
    for year in (2023, 2024):
        rows += [
            [n, code, t, s, start, f"{b:.2f}".replace(".", ","), v, d, year]
            for n, _, code, t, s, start, _, b, _, v, d, _ in _initiatives(gemeente, year)
        ]
    return csv_text(rows, ";").encode()


KINDS = (
    ("buurthuis", "Wijkcentrum"),
    ("sport", "Sportpark"),
    ("bibliotheek", "Bibliotheek"),
    ("speeltuin", "Speeltuinvereniging"),
    ("jongerencentrum", "Jongerencentrum"),
)


def voorzieningen_file() -> bytes:
    year = 2024
    rows: list[list[object]] = [
        ["gemeente", "naam", "soort", "postcode", "wijkcode", "peiljaar", "capaciteit", "uren open per week"]
    ]
    for gemeente in demo_region():
        for placement in placements(gemeente, year):
            r = rng("voorzieningen", placement.area.key, year)
            for kind, name in KINDS:
                if r.random() < (0.7 if kind in ("buurthuis", "speeltuin") else 0.35):
                    by_postcode = r.random() < 0.8
                    rows.append(
                        [
                            gemeente.code,
                            f"{name} {placement.buurt_name}",
                            kind,
                            r.choice(placement.area.postcodes) if by_postcode else "",
                            "" if by_postcode else placement.wijk.code,
                            year,
                            r.randint(20, 400),
                            f"{r.uniform(8, 60):.1f}",
                        ]
                    )
    rows += [
        ["GM0153", "Buurtkamer zonder adres", "buurthuis", "", "", year, 30, "12.0"],
        ["GM0153", "Kerkzaal De Ark", "kerk", "7511AB", "", year, 120, "6.0"],
    ]
    return csv_text(rows).encode()


INDICATORS = (
    ("PCT_EENZAAM", "Ernstig eenzaam (%)", 9.0),
    ("PCT_VRIJWILLIGERSWERK", "Doet vrijwilligerswerk (%)", 27.0),
    ("PCT_MANTELZORGER", "Geeft mantelzorg (%)", 14.0),
    ("SCORE_SOCIALE_COHESIE", "Score sociale cohesie (0-10)", 6.2),
    ("PCT_WEET_STEUN_INITIATIEF", "Weet waar steun te krijgen voor een initiatief (%)", 41.0),
    ("PCT_INVLOED_OP_WIJK", "Ervaart invloed op de wijk (%)", 33.0),
)


def indicator_file() -> bytes:
    rows: list[list[object]] = [["indicator", "naam indicator", "regio", "periode", "waarde", "eenheid", "bron"]]
    for year in INDICATOR_YEARS:
        for gemeente in demo_region():
            for wijk in gemeente.wijken_in(year):
                r = rng("indicators", wijk.code, year)
                for code, name, mean in INDICATORS:
                    value = mean * r.uniform(0.75, 1.25)
                    rows.append(
                        [
                            code,
                            name,
                            wijk.code,
                            str(year),
                            f"{value:.1f}".replace(".", ","),
                            "%" if code.startswith("PCT") else "score",
                            f"Wijkmonitor Twente ({LABEL})",
                        ]
                    )
    rows += [
        ["PCT_EENZAAM", "Ernstig eenzaam (%)", "WK014101", "2031", "8,5", "%", LABEL],
        ["PCT_EENZAAM", "Ernstig eenzaam (%)", "WK999901", "2024", "8,5", "%", LABEL],
    ]
    return csv_text(rows, ";").encode()


# --- all files ------------------------------------------------------------------------------------------------


def gemeente_files() -> dict[str, bytes]:
    """Path below the inbox -> file content, for every demo file."""
    files: dict[str, bytes] = {"postcodes/postcodetabel_2015-2024_synthetisch.csv": postcode_file().encode()}
    region = demo_region()
    files["subsidies/GM0141/subsidieregister_almelo_synthetisch.csv"] = almelo_register()
    files["subsidies/subsidieregister_enschede_synthetisch.xlsx"] = enschede_register()
    for gemeente in region:
        if gemeente.code not in ("GM0141", "GM0153"):
            files[f"subsidies/subsidieregister_{gemeente.name.lower().replace(' ', '_')}_synthetisch.csv"] = (
                plain_register(gemeente)
            )
    files[f"zorg/zorgexport_almelo_{CARE_YEARS[0]}-{CARE_YEARS[-1]}_synthetisch.csv"] = almelo_care_export()
    files.update({f"zorg/{name}": body for name, body in borne_messages().items()})
    files["initiatieven/GM0164/bewonersinitiatieven_hengelo_synthetisch.xlsx"] = hengelo_initiatives()
    files["initiatieven/bewonersinitiatieven_enschede_synthetisch.csv"] = enschede_initiatives()
    files["voorzieningen/voorzieningen_twente_2024_synthetisch.csv"] = voorzieningen_file()
    files["indicatoren/wijkmonitor_twente_synthetisch.csv"] = indicator_file()
    return files


def write_gemeente_files(inbox: Path) -> list[Path]:
    """Write every demo file into the inbox (an unchanged file is left as it is)."""
    written = []
    for name, body in gemeente_files().items():
        path = inbox / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_bytes() != body:
            path.write_bytes(body)
        written.append(path)
    return written
