"""What the end-to-end tests share besides fixtures: the hand-computed values and small API helpers.

(A module of its own, not conftest.py: test modules cannot import from a conftest.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dashboards.client import SupersetClient

ChartData = Callable[[SupersetClient, int, dict[str, Any]], list[dict[str, Any]]]


@dataclass(frozen=True)
class KnownValue:
    """A number hand-computed from the demo's raw inputs, and where one chart of a dashboard shows it."""

    dashboard: str  # slug
    chart: str  # slice_name
    filters: dict[str, Any]  # the defaults of the dashboard filters that apply to the chart on load
    row: dict[str, Any]  # the chart-data row: these columns have these values ...
    column: str  # ... and this column holds the value
    value: float


# One value per dashboard, computed by hand from the synthetic demo's raw inputs (test_raw_inputs_are_the_documented
# ones checks the inputs against the warehouse), with the arithmetic visible.
KNOWN_VALUES = [
    # Gemeente GM0141 Almelo in 2024: 6,224 Wmo clients among 74,283 inhabitants: 6,224 * 1000 / 74,283 = 83.79.
    KnownValue("zorggebruik", "Wmo-cliënten per 1.000 inwoners, tegen de vergelijkingsgroep Twente",
               {"gemeente_naam": "Almelo"}, {"periode_begin": "2024-01-01"}, "waarde_reeks, Almelo",
               round(6_224 * 1000 / 74_283, 1)),
    # Wijk WK014101 Binnenstad (Almelo) in 2024: the subsidy register holds 12 grants for 203,130.00 euro; 6,325
    # inhabitants: 203,130 / 6,325 = 32.115 -> 32.12 euro per inhabitant.
    KnownValue("ecosysteem", "Investering en zorggebruik per wijk, eerste en laatste jaar", {"gemeente_naam": "Almelo"},
               {"regio_naam": "Binnenstad", "eind_jaar": 2024, "investering_naam": "Subsidie sociale basis per inwoner",
                "zorg_naam": "Wmo-cliënten per 1.000 inwoners"}, "investering_eind", round(203_130 / 6_325, 2)),
    # Wijk WK014101 Binnenstad in 2024: 705 Wmo clients among 6,325 inhabitants: 705 * 1000 / 6,325 = 111.46.
    KnownValue("wijkprofiel", "Wmo-cliënten per 1.000 inwoners in de wijk",
               {"gemeente_naam": "Almelo", "wijk_naam": "Binnenstad"}, {"peildatum": "2024-01-01"},
               "wmo_per_1000_wijk, Binnenstad", round(705 * 1000 / 6_325, 1)),
    # Almelo's subsidy register (folder GM0141): 633 rows, 4 of them quarantined: 633 - 4 = 629 rows loaded.
    KnownValue("datakwaliteit", "Versheid per bron", {}, {"bron_naam": "Subsidieregister", "gemeente_naam": "Almelo"},
               "rijen_geladen", 633 - 4),
]  # fmt: skip
# The raw inputs of those values: (SQL on the demo warehouse, the numbers the comments above use).
RAW_INPUTS = [
    ("SELECT value FROM raw.cbs_kerncijfers_wijken_buurten WHERE region_code = 'GM0141' AND period_key = '2024JJ00' "
     "AND measure IN ('WmoClienten', 'AantalInwoners') ORDER BY measure", [(74_283,), (6_224,)]),
    ("SELECT value FROM raw.cbs_kerncijfers_wijken_buurten WHERE region_code = 'WK014101' AND period_key = '2024JJ00' "
     "AND measure IN ('WmoClienten', 'AantalInwoners') ORDER BY measure", [(6_325,), (705,)]),
    ("SELECT count(*), sum(bedrag_verleend) FROM raw.subsidies WHERE wijk_code = 'WK014101' AND subsidiejaar = 2024",
     [(12, 203_130)]),
    ("SELECT count(*), sum(rows_in_file), sum(rows_quarantined) FROM meta.file_loads WHERE source = 'subsidies' "
     "AND source_file LIKE 'subsidies/GM0141/%'", [(1, 633, 4)]),
]  # fmt: skip


def inventory(client: SupersetClient) -> dict[str, list[tuple[int, str]]]:
    """(id, name) of every database, dataset, chart, dashboard, role, user and RLS rule Superset holds."""
    names = {
        "/api/v1/database/": "database_name",
        "/api/v1/dataset/": "table_name",
        "/api/v1/chart/": "slice_name",
        "/api/v1/dashboard/": "dashboard_title",
        "/api/v1/security/roles/": "name",
        "/api/v1/security/users/": "username",
        "/api/v1/rowlevelsecurity/": "name",
    }
    result = {}
    for path, name in names.items():
        listed = client.request("GET", path, params={"q": "(page_size:100)"})
        result[path] = sorted((row["id"], row[name]) for row in listed["result"])
    return result
