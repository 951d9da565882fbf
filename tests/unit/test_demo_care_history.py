"""The demo's own care data: a multi-year care history that agrees with the synthetic truth, and Almelo's export."""

import csv
import io
from collections import Counter
from datetime import timedelta

from demo.care_export import BAD_EXPORT_ROWS, EXPORT_DATE, care_export
from demo.care_history import YEARS, allocations, care_history, in_care
from demo.geography import demo_region, placements
from demo.population import area_year

ALMELO = demo_region()[0]


def test_clients_in_care_per_area_and_year_are_the_synthetic_truth():
    history = care_history(ALMELO, 0)
    for year in YEARS:
        counted = Counter((t.area.key, t.product.wet) for t in history if in_care(t, year))
        for placement in placements(ALMELO, year):
            figures = area_year(placement.area, year)
            assert counted[(placement.area.key, "wmo")] == round(figures.wmo_clients)
            assert counted[(placement.area.key, "jeugd")] == round(figures.youth_care)


def test_clients_come_and_go_every_year_and_care_lasts_weeks_to_years():
    history = care_history(ALMELO, 0)
    for year in YEARS[1:]:
        assert sum(t.start.year == year for t in history) > 1_000  # new clients
        assert sum(t.end is not None and t.end.year == year for t in history) > 1_000  # clients leaving
    durations = [(t.end - t.start).days for t in history if t.end is not None]
    assert min(durations) < 30 and max(durations) > 3 * 365
    assert all(t.requested < t.allocated <= t.start and (t.end is None or t.start <= t.end) for t in history)
    assert len({t.client for t in history}) == len(history)


def test_allocations_follow_each_other_without_a_gap_until_care_ends():
    for t in care_history(ALMELO, 0)[:2_000]:
        given = allocations(t, EXPORT_DATE)
        assert given[0].valid_from == given[0].dated == t.allocated
        for before, after in zip(given, given[1:], strict=False):
            assert after.valid_from == before.valid_until + timedelta(days=1) and after.dated < after.valid_from
        if t.end is not None:
            assert given[-1].valid_from <= t.end <= given[-1].valid_until
        else:
            assert given[-1].valid_until > EXPORT_DATE  # renewed up to the export


def test_the_export_has_every_kind_of_row_a_credit_and_the_bad_rows():
    rows = list(csv.reader(io.StringIO(care_export(ALMELO, 0).decode()), delimiter=";"))
    header, body = rows[0], rows[1:]
    kinds = Counter(row[0] for row in body)
    assert set(kinds) == {"aanvraag", "toewijzing", "start", "stop", "declaratie"}
    assert kinds["aanvraag"] > kinds["start"]  # some requests were turned down
    column = {name: i for i, name in enumerate(header)}
    assert Counter(row[column["Debet/credit"]] for row in body if row[0] == "declaratie")["C"] > 10
    referrers = Counter(row[column["Verwijzer"]] for row in body if row[0] == "aanvraag" and row[1] == "jeugd")
    assert set(referrers) == {"01", "02", "03", "04", "05", "06", "08"}
    assert {row[column["Verwijzer"]] for row in body if row[0] == "aanvraag" and row[1] == "wmo"} == {"01"}
    assert max(row[column["Dagtekening"]] for row in body) == EXPORT_DATE.isoformat()  # dated as their messages
    assert sum(row[column["BSN"]] == "999999999" for row in body) == 1 and BAD_EXPORT_ROWS == 3
