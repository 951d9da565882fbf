"""The demo region's geography. SYNTHETIC: wijk names and sizes are invented, only the gemeente codes are real."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Wijk:
    code: str
    name: str
    population_2015: int
    wmo_per_1000_2015: float  # level of Wmo use in the first year
    wmo_trend: float  # change of that level per year, per 1,000


@dataclass(frozen=True)
class Gemeente:
    code: str
    name: str
    wijken: tuple[Wijk, ...]


ALMELO = Gemeente(
    code="GM0141",
    name="Almelo",
    wijken=(
        Wijk("WK014101", "Binnenstad", 6_200, 104.0, 1.2),
        Wijk("WK014102", "Ossenkoppelerhoek", 11_800, 71.0, 0.4),
        Wijk("WK014103", "Schelfhorst", 9_400, 62.0, -0.3),
        Wijk("WK014104", "Windmolenbroek", 8_100, 88.0, 0.9),
        Wijk("WK014105", "Kerkelanden", 7_300, 95.0, -1.1),
        Wijk("WK014106", "Nieuwstraatkwartier", 6_600, 99.0, 0.6),
        Wijk("WK014107", "Haghuis", 7_900, 83.0, 0.2),
        Wijk("WK014108", "Aalderinkshoek", 6_900, 77.0, 0.5),
        Wijk("WK014109", "De Riet", 8_400, 68.0, 0.8),
        Wijk("WK014110", "Bedrijventerrein Noord", 140, 50.0, 0.0),
    ),
)

DEMO_GEMEENTEN = (ALMELO,)
