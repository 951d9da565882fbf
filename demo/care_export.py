"""Almelo's SYNTHETIC care export: the care history (``care_history``) as the gemeente's case system exports it.

One CSV (``;``, decimal commas, euro amounts) in the documented export format (README, "CSV export format for
care data"), one row per fact, each dated with the date of its message (``Dagtekening``):

- ``aanvraag`` (315): the request, with the referrer; a few requests are turned down and get no allocation;
- ``toewijzing`` (301): every allocation of every client in care in 2021-2024 (from the first one of the
  trajectory, so care periods are whole), renewed while care goes on; for about half of the clients whose care
  ended, the gemeente sent the last allocation again, cut short at the end of care;
- ``start`` (305) once per trajectory, when care began; ``stop`` (307) when it ended;
- ``declaratie`` (323): per allocation and quarter of 2021-2024 with care, the volume for the days in care; some
  lines are credited in the next quarter and invoiced again with two units less;
- ``BAD_EXPORT_ROWS`` rows that must be quarantined, and a column with client names that must never be loaded.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

from demo.care_history import YEARS, Allocation, Trajectory, allocations, care_history
from demo.common import csv_text, person_name, synthetic_bsn
from demo.geography import Gemeente, rng

EXPORT_DATE = date(2025, 1, 20)
BAD_EXPORT_ROWS = 3  # invalid BSN, negative amount without credit, a period after the export
TURNED_DOWN = 0.04  # share of requests (per year and law) that get no allocation
CREDIT_EVERY = 250  # one client in this many has a line credited and invoiced again
HEADER = ["Soort regel", "Wet", "Gemeente", "Aanbieder", "Dagtekening", "BSN", "Naam client", "Geboortejaar",
          "Postcode", "Toewijzingnummer", "Productcategorie", "Productcode", "Begindatum", "Einddatum", "Volume",
          "Eenheid", "Frequentie", "Tarief", "Bedrag", "Debet/credit", "Verwijzer"]  # fmt: skip


QUARTERS = [  # (first day, last day) of every quarter of YEARS
    (date(year, month, 1), date(year + (month == 10), 1 if month == 10 else month + 3, 1) - timedelta(days=1))
    for year in YEARS
    for month in (1, 4, 7, 10)
]


def _euro(cents: int) -> str:
    return f"{cents // 100},{cents % 100:02d}"


class _Rows:
    def __init__(self, gemeente: Gemeente, first_serial: int):
        self.gemeente = gemeente
        self.history = care_history(gemeente, first_serial)
        self.rows: list[list[object]] = [HEADER]
        self.people: dict[int, tuple[object, ...]] = {}

    def add(self, kind: str, t: Trajectory, dated: date, number: str, begin: date, end: date | None, **more):
        p = t.product
        amounts = [_euro(round(p.tariff * 100)), _euro(more["cents"])] if "cents" in more else ["", ""]
        self.rows.append([
            kind, p.wet, self.gemeente.code, self.people[t.client][0], min(dated, EXPORT_DATE).isoformat(),
            *self.people[t.client][1:], number, p.category, p.code, begin.isoformat(), end.isoformat() if end else "",
            more.get("volume", ""), p.unit if "volume" in more else "", more.get("frequency", ""), *amounts,
            more.get("dc", ""), more.get("referrer", ""),
        ])  # fmt: skip

    def person(self, t: Trajectory) -> None:
        """Provider, BSN, name, birth year and postcode of a client, once per client."""
        provider = f"{'7' if t.product.wet == 'wmo' else '4'}{t.client % 3 + 1:07d}"
        name = person_name(self.gemeente.code, t.client)
        self.people[t.client] = (provider, synthetic_bsn(t.client), name, t.born, t.postcode)

    def trajectory(self, t: Trajectory) -> None:
        given = allocations(t, EXPORT_DATE)
        self.person(t)
        self.add("aanvraag", t, t.requested, "", t.allocated, None, referrer=t.referrer)
        monthly = max(1, round(t.product.volume / 3))
        for a in given:
            self.add("toewijzing", t, a.dated, a.number, a.valid_from, a.valid_until, volume=monthly, frequency="4")
        self.add("start", t, t.start + timedelta(days=rng("start", t.client).randint(0, 7)), given[0].number,
                 t.start, None)  # fmt: skip
        if t.end is not None:
            last, r = given[-1], rng("stop", t.client)
            self.add("stop", t, t.end + timedelta(days=r.randint(0, 10)), last.number, max(t.start, last.valid_from),
                     t.end)  # fmt: skip
            if r.random() < 0.5:  # the gemeente cuts the allocation short
                self.add("toewijzing", t, t.end + timedelta(days=r.randint(3, 14)), last.number, last.valid_from,
                         t.end, volume=monthly, frequency="4")  # fmt: skip
        self.invoices(t, given)

    def invoices(self, t: Trajectory, given: list[Allocation]) -> None:
        credit = t.client % CREDIT_EVERY == 7
        for a in given:
            lo, hi = max(a.valid_from, t.start), min(a.valid_until, t.end or a.valid_until)
            for i, (first, last) in enumerate(QUARTERS):
                begin, end = max(first, lo), min(last, hi)
                if begin > end:
                    continue
                volume = round(t.product.volume * ((end - begin).days + 1) / ((last - first).days + 1))
                if volume == 0:
                    continue
                cents = round(t.product.tariff * 100) * volume
                self.add("declaratie", t, last + timedelta(days=10), a.number, begin, end, volume=volume, cents=cents,
                         dc="D")  # fmt: skip
                if credit and volume > 2 and i + 1 < len(QUARTERS):  # credited next quarter, invoiced again
                    sent, fixed = QUARTERS[i + 1][1] + timedelta(days=10), round(t.product.tariff * 100) * (volume - 2)
                    self.add("declaratie", t, sent, a.number, begin, end, volume=volume, cents=cents, dc="C")
                    self.add("declaratie", t, sent, a.number, begin, end, volume=volume - 2, cents=fixed, dc="D")
                    credit = False

    def turned_down(self) -> None:
        """Requests that got no allocation: new clients, who appear nowhere else."""
        serial = max(t.client for t in self.history) + 1
        for year in YEARS:
            for wet in ("wmo", "jeugd"):
                requests = [t for t in self.history if t.product.wet == wet and t.requested.year == year]
                r = rng("turned-down", self.gemeente.code, wet, year)
                for t in r.sample(requests, round(len(requests) * TURNED_DOWN)):
                    ghost = Trajectory(**{**t.__dict__, "client": serial})
                    self.person(ghost)
                    self.add("aanvraag", ghost, t.requested, "", t.allocated, None, referrer=t.referrer)
                    serial += 1

    def bad_rows(self) -> None:
        template = next(row for row in reversed(self.rows) if row[0] == "declaratie")
        self.rows += [
            [*template[:5], "999999999", *template[6:]],  # fails the 11-test
            [*template[:18], "-125,00", "D", ""],  # negative without a credit flag
            [*template[:4], EXPORT_DATE.isoformat(), *template[5:12], "2025-01-01", "2025-03-31", *template[14:]],
        ]  # the last one invoices a quarter that had not begun on the day of the export


@cache
def care_export(gemeente: Gemeente, first_serial: int) -> bytes:
    """The export as bytes (UTF-8, ``;``)."""
    rows = _Rows(gemeente, first_serial)
    for t in rows.history:
        rows.trajectory(t)
    rows.turned_down()
    rows.bad_rows()
    return csv_text(rows.rows, ";").encode()
