"""The demo region's geography: the 14 Twente gemeenten with SYNTHETIC wijken, buurten and postcodes.

Only the gemeente codes and names are real. Wijken and buurten are invented, built from stable *areas*: an area
keeps its figures over the years while the classification it belongs to may change. That is how the demo shows a
wijk re-division (Almelo, 2021): CBS publishes each year on that year's classification, and the share of an old
wijk that went to a new one follows from the areas that moved.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache

SEED = "sociale-basis-monitor-demo-v1"
FIRST_YEAR, LAST_YEAR = 2015, 2024
YEARS = range(FIRST_YEAR, LAST_YEAR + 1)


def rng(*parts: object) -> random.Random:
    """A random stream fixed by its name: the same parts give the same numbers on every machine."""
    return random.Random(":".join((SEED, *map(str, parts))))


@dataclass(frozen=True)
class Area:
    """A stable piece of a gemeente (about a buurt); the demo's figures are generated per area."""

    key: str
    name: str
    population_2015: float
    wmo_per_1000_2015: float  # Wmo clients per 1,000 inhabitants in 2015
    wmo_trend: float  # change of that rate per year
    youth_care_pct_2015: float  # % of youth (0-22) with jeugdzorg in 2015
    postcodes: tuple[str, ...]  # PC6 postcodes lying in the area


@dataclass(frozen=True)
class Wijk:
    code: str
    name: str
    areas: tuple[str, ...]  # area keys, in buurt order
    years: range = YEARS  # classification years in which this wijk exists

    def buurt_code(self, index: int) -> str:
        return f"BU{self.code[2:]}{index + 1:02d}"


@dataclass(frozen=True)
class Gemeente:
    code: str
    name: str
    areas: tuple[Area, ...]
    wijken: tuple[Wijk, ...]
    area_by_key: dict[str, Area] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "area_by_key", {a.key: a for a in self.areas})

    def wijken_in(self, year: int) -> list[Wijk]:
        return [w for w in self.wijken if year in w.years]


@dataclass(frozen=True)
class Placement:
    """Where an area sits in one classification year."""

    year: int
    gemeente: Gemeente
    wijk: Wijk
    buurt_code: str
    area: Area

    @property
    def buurt_name(self) -> str:
        return self.area.name


def placements(gemeente: Gemeente, year: int) -> Iterator[Placement]:
    for wijk in gemeente.wijken_in(year):
        for index, key in enumerate(wijk.areas):
            yield Placement(year, gemeente, wijk, wijk.buurt_code(index), gemeente.area_by_key[key])


# --- building the region -------------------------------------------------------------------------------------

WIJK_NAMES = ("Centrum", "Noord", "Oost", "Zuid", "West", "Noordoost", "Zuidwest", "Stadsrand", "De Esch", "Het Veld")
LETTERS = [a + b for a in "ABCDEGHJKLMNPRSTVWXZ" for b in "ABCDEGHJKLMNPRSTVWXZ"]


def _areas(
    gemeente_code: str,
    wijk_index: int,
    wijk_name: str,
    population: float,
    wmo: float,
    trend: float,
    youth: float,
    pc4: int,
    count: int,
) -> list[Area]:
    """Split a wijk into `count` areas with their own sizes and a little variation in care use."""
    r = rng("areas", gemeente_code, wijk_index)
    weights = [r.uniform(0.6, 1.4) for _ in range(count)]
    total = sum(weights)
    letters = r.sample(LETTERS, 6 * count)  # distinct postcodes within the wijk's PC4
    return [
        Area(
            key=f"{gemeente_code}-{wijk_index:02d}{chr(97 + i)}",
            name=f"{wijk_name} {chr(65 + i)}" if count > 1 else wijk_name,
            population_2015=population * w / total,
            wmo_per_1000_2015=wmo * r.uniform(0.9, 1.1),
            wmo_trend=trend + r.uniform(-0.2, 0.2),
            youth_care_pct_2015=youth * r.uniform(0.9, 1.1),
            postcodes=tuple(f"{pc4}{pair}" for pair in sorted(letters[6 * i : 6 * i + 6])),
        )
        for i, w in enumerate(weights)
    ]


def _gemeente(code: str, name: str, population: int, wijken: int, pc4_first: int, wmo: float, youth: float) -> Gemeente:
    """A gemeente with `wijken` generic wijken; the first is the largest (a town centre), the last rural."""
    r = rng("gemeente", code)
    areas: list[Area] = []
    result: list[Wijk] = []
    sizes = [r.uniform(0.7, 1.3) for _ in range(wijken)]
    for i in range(wijken):
        wijk_name = "Buitengebied" if i == wijken - 1 and wijken >= 4 else WIJK_NAMES[i]
        share = sizes[i] / sum(sizes)
        wijk_areas = _areas(
            code,
            i + 1,
            wijk_name,
            population * share,
            wmo * r.uniform(0.8, 1.25),
            r.uniform(-0.6, 1.2),
            youth * r.uniform(0.85, 1.15),
            pc4_first + i,
            r.randint(2, 4),
        )
        areas += wijk_areas
        result.append(Wijk(f"WK{code[2:]}{i + 1:02d}", wijk_name, tuple(a.key for a in wijk_areas)))
    return Gemeente(code, name, tuple(areas), tuple(result))


def _almelo() -> Gemeente:
    """Almelo with named wijken and the 2021 re-division: Ossenkoppelerhoek split in two, Nieuwstraatkwartier
    and Haghuis merged. New names get new codes; the areas themselves do not change."""
    spec = [  # code suffix, name, population 2015, Wmo per 1,000, trend per year, % youth with jeugdzorg, areas
        (1, "Binnenstad", 6_200, 104.0, 1.2, 13.5, 2),
        (2, "Ossenkoppelerhoek", 11_800, 71.0, 0.4, 10.5, 4),
        (3, "Schelfhorst", 9_400, 62.0, -0.3, 9.5, 3),
        (4, "Windmolenbroek", 8_100, 88.0, 0.9, 12.5, 3),
        (5, "Kerkelanden", 7_300, 95.0, -1.1, 12.0, 3),
        (6, "Nieuwstraatkwartier", 6_600, 99.0, 0.6, 13.0, 2),
        (7, "Haghuis", 7_900, 83.0, 0.2, 11.5, 3),
        (8, "Aalderinkshoek", 6_900, 77.0, 0.5, 11.0, 2),
        (9, "De Riet", 8_400, 68.0, 0.8, 10.0, 3),
        (10, "Bedrijventerrein Noord", 140, 50.0, 0.0, 9.0, 1),
    ]
    areas: dict[int, list[Area]] = {
        n: _areas("GM0141", n, name, pop, wmo, trend, youth, 7600 + n, count)
        for n, name, pop, wmo, trend, youth, count in spec
    }
    keys = {n: tuple(a.key for a in found) for n, found in areas.items()}
    until_2020, from_2021 = range(FIRST_YEAR, 2021), range(2021, LAST_YEAR + 1)
    wijken = [Wijk(f"WK0141{n:02d}", name, keys[n]) for n, name, *_ in spec if n not in (2, 6, 7)]
    wijken += [
        Wijk("WK014102", "Ossenkoppelerhoek", keys[2], until_2020),
        Wijk("WK014106", "Nieuwstraatkwartier", keys[6], until_2020),
        Wijk("WK014107", "Haghuis", keys[7], until_2020),
        Wijk("WK014111", "Ossenkoppelerhoek-Noord", keys[2][:2], from_2021),
        Wijk("WK014112", "Ossenkoppelerhoek-Zuid", keys[2][2:], from_2021),
        Wijk("WK014113", "Nieuwstraat-Haghuis", keys[6] + keys[7], from_2021),
    ]
    return Gemeente(
        "GM0141",
        "Almelo",
        tuple(a for found in areas.values() for a in found),
        tuple(sorted(wijken, key=lambda w: w.code)),
    )


@cache
def demo_region() -> tuple[Gemeente, ...]:
    """The 14 Twente gemeenten (real codes and names; everything below gemeente level synthetic)."""
    return (
        _almelo(),
        _gemeente("GM0147", "Borne", 21_800, 4, 7621, 74.0, 10.5),
        _gemeente("GM1774", "Dinkelland", 26_200, 5, 7586, 66.0, 9.5),
        _gemeente("GM0153", "Enschede", 158_500, 10, 7511, 92.0, 12.5),
        _gemeente("GM0158", "Haaksbergen", 24_300, 4, 7481, 78.0, 10.5),
        _gemeente("GM0163", "Hellendoorn", 35_800, 5, 7441, 72.0, 10.0),
        _gemeente("GM0164", "Hengelo", 81_000, 8, 7551, 86.0, 11.5),
        _gemeente("GM1735", "Hof van Twente", 34_900, 6, 7471, 75.0, 10.0),
        _gemeente("GM0168", "Losser", 22_600, 4, 7581, 73.0, 10.0),
        _gemeente("GM0173", "Oldenzaal", 31_900, 5, 7571, 80.0, 11.0),
        _gemeente("GM1742", "Rijssen-Holten", 37_800, 4, 7461, 61.0, 9.0),
        _gemeente("GM0183", "Tubbergen", 21_200, 5, 7651, 60.0, 9.0),
        _gemeente("GM1700", "Twenterand", 33_800, 5, 7681, 79.0, 11.0),
        _gemeente("GM0189", "Wierden", 24_000, 4, 7641, 70.0, 10.0),
    )


def postcode_table(year: int) -> Iterator[tuple[str, str, str, str]]:
    """(postcode PC6, buurt code, wijk code, gemeente code) on the classification of `year`."""
    for gemeente in demo_region():
        for placement in placements(gemeente, year):
            for postcode in placement.area.postcodes:
                yield postcode, placement.buurt_code, placement.wijk.code, gemeente.code
