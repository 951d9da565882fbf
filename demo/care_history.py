"""A SYNTHETIC care history of one gemeente over several years: who is in care, from when to when, in what.

Per area, law (Wmo, Jeugd) and year, the number of clients in care is the synthetic truth
(``population.area_year``: ``wmo_clients``, ``youth_care``), so the gemeente's own data agree with the CBS demo
tables the way real sources roughly do. Clients stay in care from one year to the next with a probability per
product (``Product.stays``); whoever does not stay leaves during the year; new clients fill the year up to the
truth. Clients in care in the first year started in earlier years (their whole trajectory is in the history).

A trajectory (``Trajectory``) is what actually happened: the request (315) with its referrer, the first
allocation (301), the start of care (305) some days or weeks later, renewals of the allocation while care goes
on, and the end of care (307), or none while it continues after the last year. ``allocations`` cuts it into the
allocation periods the gemeente issued. Nothing here knows about file formats: ``gemeente_files`` writes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from demo.cbs_care import REFERRERS
from demo.geography import Area, Gemeente, placements, rng
from demo.population import area_year

YEARS = range(2021, 2025)  # the years the demo's own care data describe
EARLIEST_START = date(2012, 1, 1)  # trajectories in care in the first year began at the earliest then


@dataclass(frozen=True)
class Product:
    wet: str
    category: str
    code: str
    unit: str
    tariff: float  # euro per unit
    volume: int  # units per quarter of full care
    weight: int  # how often clients get it, relative to the other products of the law
    months: int  # validity of one allocation; renewed while care goes on
    stays: float  # chance that a client in care stays in care the next year
    delay_days: int  # typical days between the allocation and the start of care


PRODUCTS = (
    Product("wmo", "01", "01A01", "04", 31.50, 39, 5, 24, 0.80, 10),
    Product("wmo", "02", "02A02", "04", 62.40, 20, 3, 12, 0.70, 21),
    Product("wmo", "07", "07A03", "16", 44.80, 26, 2, 12, 0.70, 28),
    Product("jeugd", "45", "45A01", "04", 92.10, 18, 5, 6, 0.55, 35),
    Product("jeugd", "54", "54A02", "04", 118.75, 12, 3, 6, 0.60, 49),
    Product("jeugd", "43", "43A05", "14", 205.00, 30, 2, 12, 0.65, 14),
)
# iJw referrer types and the CBS referrer (cbs_care.REFERRERS) whose share they follow
JEUGD_REFERRERS = {"01": "A041550", "02": "A041551", "03": "A041552", "04": "A041553", "05": "A041554",
                   "08": "A041555", "06": "A041556"}  # fmt: skip
WMO_REFERRER = "01"  # a Wmo request comes in through the gemeente (its Wmo-loket or wijkteam)


@dataclass(frozen=True)
class Trajectory:
    client: int  # serial number of the client within the gemeente (the writer turns it into a BSN)
    area: Area
    product: Product
    born: int
    postcode: str
    requested: date  # the request for an allocation (315)
    referrer: str  # iJw/iWmo referrer type
    allocated: date  # dagtekening of the first allocation (301); it is valid from that day
    start: date  # care started (305)
    end: date | None  # care stopped (307); None: still in care after the last year


@dataclass(frozen=True)
class Allocation:
    number: str
    trajectory: Trajectory
    dated: date  # dagtekening
    valid_from: date
    valid_until: date


def _day_in(r, first: date, last: date) -> date:
    return first + timedelta(days=r.randint(0, max(0, (last - first).days)))


def _referrer(r, product: Product, year: int) -> str:
    if product.wet == "wmo":
        return WMO_REFERRER
    years = year - 2015
    weights = [max(0.0, REFERRERS[key][1] + REFERRERS[key][2] * years) for key in JEUGD_REFERRERS.values()]
    return r.choices(list(JEUGD_REFERRERS), weights=weights)[0]


class _Area:
    """The trajectories of one area and law, built year by year."""

    def __init__(self, gemeente_serials, area: Area, wet: str):
        self.serials = gemeente_serials
        self.area = area
        self.wet = wet
        self.products = [p for p in PRODUCTS if p.wet == wet]
        self.r = rng("care-history", area.key, wet)

    def truth(self, year: int) -> int:
        figures = area_year(self.area, year)
        return round(figures.wmo_clients if self.wet == "wmo" else figures.youth_care)

    def new(self, start: date) -> Trajectory:
        r = self.r
        product = r.choices(self.products, weights=[p.weight for p in self.products])[0]
        delay = min(180, int(r.expovariate(1 / product.delay_days)))
        allocated = start - timedelta(days=delay)
        requested = allocated - timedelta(days=r.randint(7, 42))
        ages = (1935, 1995) if self.wet == "wmo" else (start.year - 17, start.year - 1)
        return Trajectory(
            client=next(self.serials),
            area=self.area,
            product=product,
            born=r.randint(*ages),
            postcode=r.choice(self.area.postcodes),
            requested=requested,
            referrer=_referrer(r, product, requested.year),
            allocated=allocated,
            start=start,
            end=None,
        )

    def ended(self, t: Trajectory, year: int) -> Trajectory:
        """The trajectory, ending some day in `year` (not before it started)."""
        return Trajectory(**{**t.__dict__, "end": _day_in(self.r, max(t.start, date(year, 1, 1)), date(year, 12, 31))})

    def history(self, years: range) -> list[Trajectory]:
        r, done = self.r, []
        active: list[Trajectory] = []
        for year in years:
            wanted = self.truth(year)
            if year == years[0]:
                share = sum(p.stays * p.weight for p in self.products) / sum(p.weight for p in self.products)
                for _ in range(round(wanted * share)):  # in care since an earlier year
                    back = 1 + min(8, int(r.expovariate(0.5)))
                    active.append(self.new(_day_in(r, max(EARLIEST_START, date(year - back, 1, 1)),
                                                   date(year - back, 12, 31))))  # fmt: skip
            else:
                stays = [r.random() < t.product.stays for t in active]
                staying = [t for t, s in zip(active, stays, strict=True) if s]
                leaving = [t for t, s in zip(active, stays, strict=True) if not s] + staying[wanted:]
                done += [self.ended(t, year - 1) for t in leaving]
                active = staying[:wanted]
            active += [self.new(_day_in(r, date(year, 1, 1), date(year, 12, 31))) for _ in range(wanted - len(active))]
        done += [t if r.random() < t.product.stays else self.ended(t, years[-1]) for t in active]
        return done


@cache
def care_history(gemeente: Gemeente, first_serial: int, years: range = YEARS) -> tuple[Trajectory, ...]:
    """Every trajectory of the gemeente's clients in care in `years` (areas as placed in the last year)."""
    serials = iter(range(first_serial, first_serial + 10**6))
    result: list[Trajectory] = []
    for placement in placements(gemeente, years[-1]):
        for wet in ("wmo", "jeugd"):
            result += _Area(serials, placement.area, wet).history(years)
    return tuple(result)


def in_care(t: Trajectory, year: int) -> bool:
    return t.start <= date(year, 12, 31) and (t.end is None or t.end >= date(year, 1, 1))


def allocations(t: Trajectory, until: date) -> list[Allocation]:
    """The allocations issued for a trajectory up to `until`: the first one from its dagtekening, renewed for
    another term (dated three weeks before) as long as care goes on."""
    result: list[Allocation] = []
    valid_from, dated = t.allocated, t.allocated
    while dated <= until:
        valid_until = _add_months(valid_from, t.product.months) - timedelta(days=1)
        result.append(Allocation(f"A{t.client:06d}-{len(result) + 1:02d}", t, dated, valid_from, valid_until))
        if t.end is not None and t.end <= valid_until:
            break
        valid_from = valid_until + timedelta(days=1)
        dated = valid_from - timedelta(days=21)
    return result


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")
