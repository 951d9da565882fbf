"""The SYNTHETIC truth of the demo region: unrounded figures per area per year.

Every demo source is derived from these numbers (CBS tables after rounding and secrecy, the gemeente's own care
messages, subsidies and initiatives), so the sources agree with each other the way real ones roughly do.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from demo.geography import FIRST_YEAR, Area, rng

AGE_SHARES = {"k_0Tot15Jaar": 0.16, "k_15Tot25Jaar": 0.125, "k_25Tot45Jaar": 0.235, "k_45Tot65Jaar": 0.28}


@dataclass(frozen=True)
class AreaYear:
    population: float
    ages: dict[str, float]  # CBS age bands, keyed by their Kerncijfers stem
    youth: float  # inhabitants aged 0-22 (CBS's "jongeren" for jeugdzorg)
    youth_care: float  # of whom with jeugdzorg in natura
    wmo_clients: float
    bijstand: float  # persons with a bijstand benefit


@cache
def area_year(area: Area, year: int) -> AreaYear:
    r = rng("area-year", area.key, year)
    years = year - FIRST_YEAR
    growth = rng("growth", area.key).uniform(-0.004, 0.008)
    population = area.population_2015 * (1 + growth) ** years * (1 + r.uniform(-0.004, 0.004))
    # the population ages: a little less youth and more 65+ every year
    ageing = 0.003 * years
    ages = {
        "k_0Tot15Jaar": AGE_SHARES["k_0Tot15Jaar"] - ageing / 2,
        "k_15Tot25Jaar": AGE_SHARES["k_15Tot25Jaar"] - ageing / 4,
        "k_25Tot45Jaar": AGE_SHARES["k_25Tot45Jaar"] - ageing / 4,
        "k_45Tot65Jaar": AGE_SHARES["k_45Tot65Jaar"],
    }
    ages["k_65JaarOfOuder"] = 1 - sum(ages.values())
    youth = population * (ages["k_0Tot15Jaar"] + 0.8 * ages["k_15Tot25Jaar"])
    youth_care_pct = area.youth_care_pct_2015 + 0.15 * years + r.uniform(-0.4, 0.4)
    wmo_rate = area.wmo_per_1000_2015 + area.wmo_trend * years + r.uniform(-1.5, 1.5)
    bijstand_rate = rng("bijstand", area.key).uniform(18, 45) * (1 - 0.01 * years) + r.uniform(-1, 1)
    return AreaYear(
        population=population,
        ages={stem: population * share for stem, share in ages.items()},
        youth=youth,
        youth_care=youth * youth_care_pct / 100,
        wmo_clients=population * wmo_rate / 1000,
        bijstand=population * bijstand_rate / 1000,
    )


def total(areas: list[Area] | tuple[Area, ...], year: int) -> AreaYear:
    """Figures of several areas together (a wijk or a gemeente), unrounded."""
    parts = [area_year(a, year) for a in areas]
    return AreaYear(
        population=sum(p.population for p in parts),
        ages={stem: sum(p.ages[stem] for p in parts) for stem in parts[0].ages},
        youth=sum(p.youth for p in parts),
        youth_care=sum(p.youth_care for p in parts),
        wmo_clients=sum(p.wmo_clients for p in parts),
        bijstand=sum(p.bijstand for p in parts),
    )


OLDEST_CBS = 105  # CBS 03759ned's last age is "105 jaar of ouder" (the CPB profile's is "99 en ouder")
BANDS = {"k_0Tot15Jaar": (0, 14), "k_15Tot25Jaar": (15, 24), "k_25Tot45Jaar": (25, 44), "k_45Tot65Jaar": (45, 64),
         "k_65JaarOfOuder": (65, OLDEST_CBS)}  # fmt: skip


def _weight(age: int) -> float:
    """Relative size of a single year of age within its band: even below 65, thinning out above it, fast above 90."""
    return 1.0 if age < 65 else 0.93 ** (age - 65) * 0.6 ** max(0, age - 90)


def single_years(figures: AreaYear) -> dict[int, float]:
    """Inhabitants per single year of age (105 = 105 or older), spread within each Kerncijfers band so that each
    band adds up to the band's total."""
    result: dict[int, float] = {}
    for stem, (low, high) in BANDS.items():
        weights = {age: _weight(age) for age in range(low, high + 1)}
        scale = figures.ages[stem] / sum(weights.values())
        result |= {age: weight * scale for age, weight in weights.items()}
    return result
