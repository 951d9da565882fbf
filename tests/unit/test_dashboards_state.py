"""Superset's generated credentials: private, random, stable once made."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from dashboards.superset_state import SupersetState, ensure_credentials, load_credentials


def _quiet(message: str) -> None:
    pass


def test_credentials_file_is_private_and_complete(tmp_path: Path) -> None:
    state = SupersetState(home=tmp_path / "superset")
    credentials = ensure_credentials(state, _quiet)
    assert stat.S_IMODE(state.credentials_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(state.home.stat().st_mode) == 0o700
    text = state.credentials_file.read_text("utf-8")
    assert f"SUPERSET_SECRET_KEY={credentials.secret_key}\n" in text
    assert f"SBM_SUPERSET_ADMIN_PASSWORD={credentials.admin_password}\n" in text
    assert len(credentials.secret_key) >= 40 and len(credentials.admin_password) >= 16


def test_every_state_folder_gets_its_own_secrets(tmp_path: Path) -> None:
    first = ensure_credentials(SupersetState(home=tmp_path / "a"), _quiet)
    second = ensure_credentials(SupersetState(home=tmp_path / "b"), _quiet)
    assert first.admin_password != second.admin_password
    assert first.secret_key != second.secret_key


def test_second_call_reads_the_same_credentials(tmp_path: Path) -> None:
    state = SupersetState(home=tmp_path)
    assert ensure_credentials(state, _quiet) == ensure_credentials(state, _quiet) == load_credentials(state)


def test_readable_credentials_file_is_refused(tmp_path: Path) -> None:
    state = SupersetState(home=tmp_path)
    ensure_credentials(state, _quiet)
    state.credentials_file.chmod(0o644)
    with pytest.raises(PermissionError, match="chmod 600"):
        load_credentials(state)


def test_metadata_without_credentials_is_an_error_not_a_new_password(tmp_path: Path) -> None:
    state = SupersetState(home=tmp_path)
    state.metadata_db.write_bytes(b"")
    with pytest.raises(RuntimeError, match="start afresh"):
        ensure_credentials(state, _quiet)
    assert not state.credentials_file.exists()


def test_state_folder_follows_the_environment(tmp_path: Path) -> None:
    assert SupersetState.from_env({"SBM_HOME": str(tmp_path)}).home == tmp_path / "superset"
    assert SupersetState.from_env({"SBM_SUPERSET_HOME": str(tmp_path / "s")}).home == tmp_path / "s"
