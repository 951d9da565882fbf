"""The inbox sensor: one run request per settled file, keyed by its sha256, selecting only what the file touches."""

import hashlib
import json
import os
import time

import dagster as dg
import pytest

from pipelines import sensors
from pipelines.definitions import build_definitions
from pipelines.resources import build_resources
from pipelines.sensors import inbox_sensor


def put(settings, relative, content, age=60):
    path = settings.inbox / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    os.utime(path, (time.time() - age, time.time() - age))
    return path


def evaluate(settings, instance, cursor=None):
    context = dg.build_sensor_context(
        instance=instance,
        cursor=cursor,
        repository_def=build_definitions(settings).get_repository_def(),
        resources=build_resources(settings),
    )
    result = inbox_sensor.evaluate_tick(context)
    return result.run_requests, result.cursor


@pytest.fixture
def instance():
    with dg.instance_for_test() as instance:
        yield instance


def test_one_run_per_settled_file_keyed_by_its_sha256(settings, instance):
    register = put(settings, "subsidies/GM0141/register.csv", b"Regeling;Bedrag verleend;Jaar\nA;1;2024\n")
    put(settings, "zorg/WMO323.xml", b"<x/>")
    put(settings, "zorg/half-copied.xml", b"<x", age=0)  # still being written: next tick
    put(settings, "subsidies/~$register.xlsx", b"lock")  # Office lock file
    put(settings, "subsidies/.hidden.csv", b"x")
    put(settings, "loose.csv", b"x")  # not in a source folder

    requests, _ = evaluate(settings, instance)

    by_file = {r.tags["sbm/file"]: r for r in requests}
    assert sorted(by_file) == ["subsidies/GM0141/register.csv", "zorg/WMO323.xml"]
    request = by_file["subsidies/GM0141/register.csv"]
    assert request.run_key == hashlib.sha256(register.read_bytes()).hexdigest()
    assert request.run_config == {"ops": {"raw__subsidies": {"config": {"files": [str(register)], "replace": False}}}}
    selected = {k.to_user_string() for k in request.asset_selection}
    assert {"raw/subsidies", "staging/stg_subsidies__subsidies", "intermediate/int_subsidies_per_element"} <= selected
    assert {"seeds/regeling_element_regels", "seeds/ecosysteem_elementen"} <= selected  # read by the model above
    assert not {"raw/zorg", "raw/cbs_kerncijfers_wijken_buurten"} & selected  # no other source is loaded
    # the data-quality marts report the new load (they read every source's staging views, which are re-created)
    assert {"marts/fct_datakwaliteit_ladingen", "meta/file_loads", "quarantine/subsidies"} <= selected


def test_the_same_content_under_another_name_gets_the_same_run_key(settings, instance):
    put(settings, "indicatoren/a.csv", b"same")
    put(settings, "indicatoren/b.csv", b"same")
    requests, _ = evaluate(settings, instance)
    assert len({r.run_key for r in requests}) == 1  # Dagster starts one run for a run key, once


def test_the_cursor_spares_hashing_an_unchanged_file_again(settings, instance, monkeypatch):
    put(settings, "postcodes/p.csv", b"postcode;wijk;jaar\n")
    first, cursor = evaluate(settings, instance)
    assert list(json.loads(cursor).values())[0][2] == first[0].run_key

    def no_hashing(path):
        raise AssertionError(f"{path} was hashed again")

    monkeypatch.setattr(sensors.inbox, "sha256_of", no_hashing)
    again, _ = evaluate(settings, instance, cursor)
    assert [r.run_key for r in again] == [first[0].run_key]
