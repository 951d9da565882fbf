"""The SYNTHETIC truth of the demo region's money: care costs, budgets and sociale-basis spending per gemeente.

Derived from the area figures in population.py, so costs follow the numbers of clients. Nominal euros; costs rise
faster than prices (the story the monitor is built to watch).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from demo.geography import FIRST_YEAR, Gemeente, rng
from demo.population import total

# share of Wmo maatwerk costs per type of voorziening, and of jeugdzorg costs per form
WMO_COST_SHARES = {"hulp_bij_het_huishouden": 0.30, "ondersteuning_thuis": 0.45, "hulpmiddelen_diensten": 0.15,
                   "verblijf_opvang": 0.10}  # fmt: skip
JEUGD_COST_SHARES = {"jeugdhulp_zonder_verblijf": 0.55, "jeugdhulp_met_verblijf": 0.35, "jeugdbescherming": 0.07,
                     "jeugdreclassering": 0.03}  # fmt: skip


@dataclass(frozen=True)
class GemeenteMoney:
    """Realised amounts in euro for one gemeente and year, and how far the budget was off."""

    wmo: dict[str, float]  # realised Wmo maatwerk cost per type
    jeugd: dict[str, float]  # realised jeugdzorg cost per form
    samenkracht: float  # taakveld 6.1 samenkracht en burgerparticipatie
    toegang: float  # taakveld 6.2 wijkteams / toegang
    sport: dict[str, float]  # 5.1 sportbeleid, 5.2 sportaccommodaties
    budget_ratio: float  # begroting / realisatie (< 1: costs exceed the budget)


@cache
def gemeente_money(gemeente: Gemeente, year: int) -> GemeenteMoney:
    figures = total(gemeente.areas, year)
    years = year - FIRST_YEAR
    r, level = rng("money", gemeente.code, year), rng("money-level", gemeente.code)
    wmo_per_client = 2_700 * level.uniform(0.9, 1.15) * 1.045**years * r.uniform(0.98, 1.02)
    jeugd_per_client = 6_200 * level.uniform(0.85, 1.2) * 1.05**years * r.uniform(0.97, 1.03)
    wmo_total = figures.wmo_clients * wmo_per_client
    jeugd_total = figures.youth_care * jeugd_per_client
    per_inhabitant = figures.population * 1.03**years
    return GemeenteMoney(
        wmo={kind: wmo_total * share for kind, share in WMO_COST_SHARES.items()},
        jeugd={kind: jeugd_total * share for kind, share in JEUGD_COST_SHARES.items()},
        samenkracht=per_inhabitant * level.uniform(40, 75) * r.uniform(0.95, 1.05),
        toegang=per_inhabitant * level.uniform(55, 90) * r.uniform(0.95, 1.05),
        sport={"5.1": per_inhabitant * level.uniform(22, 38), "5.2": per_inhabitant * level.uniform(40, 70)},
        budget_ratio=r.uniform(0.92, 1.01),
    )
