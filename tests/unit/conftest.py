"""Helpers for tests of the file intake: a small warehouse that knows a few regions, and a loader."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pytest

from pipelines.sources.files.inbox import inbox_file
from pipelines.sources.files.load import FileLoad, ingest_file
from pipelines.sources.files.spec import source_specs

KEY = b"test-key-of-at-least-32-characters!!"
INTAKE_DATE = date(2025, 3, 1)
# the regions the test warehouse knows: Almelo with two wijken (and their old names), Borne with one
REGIONS = [
    ("GM0141", "Almelo"),
    ("WK014101", "Binnenstad"),
    ("WK014105", "Kerkelanden"),
    ("BU01410101", "Binnenstad A"),
    ("GM0147", "Borne"),
    ("WK014701", "Centrum"),
]


@dataclass
class Intake:
    home: Path
    con: duckdb.DuckDBPyConnection
    key: bytes = KEY

    @property
    def inbox(self) -> Path:
        return self.home / "inbox"

    def put(self, source: str, name: str, content: bytes | str, gemeente: str | None = None) -> Path:
        folder = self.inbox / source / (gemeente or "")
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        return path

    def load(
        self, source: str, name: str, content: bytes | str | None = None, gemeente: str | None = None, **options
    ) -> FileLoad:
        """Put a file into the inbox (unless content is None: it is there already) and load it."""
        path = self.put(source, name, content, gemeente) if content is not None else self.inbox / source / name
        entry = inbox_file(self.inbox, path, list(source_specs()))
        return ingest_file(
            self.con,
            source_specs()[source],
            entry,
            inbox_dir=self.inbox,
            archive_dir=self.home / "archive",
            load_id=options.pop("load_id", "test-run"),
            key=self.key,
            intake_date=options.pop("intake_date", INTAKE_DATE),
        )

    def rows(self, sql: str, params: list | None = None) -> list[tuple]:
        return self.con.execute(sql, params or []).fetchall()


@pytest.fixture
def intake(tmp_path) -> Iterator[Intake]:
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    con.execute("CREATE SCHEMA raw")
    con.execute("CREATE TABLE raw.cbs_kerncijfers_wijken_buurten (region_code VARCHAR, region_name VARCHAR)")
    con.executemany("INSERT INTO raw.cbs_kerncijfers_wijken_buurten VALUES (?, ?)", REGIONS)
    yield Intake(tmp_path, con)
    con.close()
