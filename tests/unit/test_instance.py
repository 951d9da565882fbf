"""The Dagster instance `python -m pipelines prepare` writes: what its UI shows and sends."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from dagster import DagsterInstance

from pipelines.config import Settings
from pipelines.instance import prepare_dagster_home


def test_the_ui_opens_without_the_newsletter_dialog_and_sends_no_telemetry(tmp_path: Path) -> None:
    settings = replace(Settings.from_env(), dagster_home=tmp_path / "dagster")
    prepare_dagster_home(settings)
    with DagsterInstance.from_config(str(settings.dagster_home)) as instance:
        # dagster-graphql's `shouldShowNux` (the "Join the Dagster community" dialog) is `instance.nux_enabled and …`
        assert instance.nux_enabled is False
        assert instance.telemetry_enabled is False
