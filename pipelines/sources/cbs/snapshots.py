"""Immutable, dated snapshots of CBS responses on disk.

Every response is written here before anything is loaded, so the warehouse can always be rebuilt offline and
every number traced to the release it came from. Layout::

    <root>/<catalog>/<table_id>/<retrieved_at>-<sha8>/
        manifest.json           catalog, table, source URL, retrieval time, sha256 per file, synthetic flag
        TableInfos.json         the response bodies, byte for byte as received
        DataProperties.json
        <Dimension>.json        category lists (keys, titles, period status)
        TypedDataSet/0001.json  data pages, in paging order

A snapshot's identity (``snapshot_id``) is the hash of its content, not of its retrieval time: fetching an
unchanged table again does not create a second snapshot, and loading the same snapshot twice is a no-op.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

MANIFEST = "manifest.json"
TIME_FORMAT = "%Y%m%dT%H%M%SZ"


@dataclass(frozen=True)
class Snapshot:
    path: Path
    manifest: dict

    @property
    def snapshot_id(self) -> str:
        return self.manifest["content_sha256"]

    @property
    def table_id(self) -> str:
        return self.manifest["table_id"]

    @property
    def retrieved_at(self) -> datetime:
        return datetime.fromisoformat(self.manifest["retrieved_at"])

    @property
    def synthetic(self) -> bool:
        return bool(self.manifest.get("synthetic", False))

    def read_json(self, name: str) -> dict:
        return json.loads((self.path / name).read_text(encoding="utf-8"))

    def pages(self, entity: str) -> list[Path]:
        return sorted((self.path / entity).glob("*.json"))


def content_hash(file_hashes: Mapping[str, str]) -> str:
    digest = hashlib.sha256()
    for name in sorted(file_hashes):
        digest.update(f"{name}\0{file_hashes[name]}\n".encode())
    return digest.hexdigest()


class SnapshotStore:
    def __init__(self, root: Path):
        self.root = root

    def table_dir(self, catalog: str, table_id: str) -> Path:
        return self.root / catalog / table_id

    def snapshots(self, catalog: str, table_id: str) -> list[Snapshot]:
        """All snapshots of one table, oldest first."""
        found = [
            Snapshot(manifest_path.parent, json.loads(manifest_path.read_text(encoding="utf-8")))
            for manifest_path in self.table_dir(catalog, table_id).glob(f"*/{MANIFEST}")
        ]
        return sorted(found, key=lambda s: (s.retrieved_at, s.snapshot_id))

    def write(
        self,
        catalog: str,
        table_id: str,
        documents: Mapping[str, bytes],
        *,
        source_url: str,
        retrieved_at: datetime | None = None,
        synthetic: bool = False,
    ) -> Snapshot:
        """Store response bodies as a new snapshot, or return the existing one with identical content."""
        file_hashes = {name: hashlib.sha256(body).hexdigest() for name, body in documents.items()}
        snapshot_id = content_hash(file_hashes)
        for existing in self.snapshots(catalog, table_id):
            if existing.snapshot_id == snapshot_id:
                return existing

        retrieved_at = (retrieved_at or datetime.now(UTC)).astimezone(UTC)
        manifest = {
            "catalog": catalog,
            "table_id": table_id,
            "source_url": source_url,
            "retrieved_at": retrieved_at.isoformat(),
            "synthetic": synthetic,
            "content_sha256": snapshot_id,
            "files": file_hashes,
        }
        table_dir = self.table_dir(catalog, table_id)
        final = table_dir / f"{retrieved_at.strftime(TIME_FORMAT)}-{snapshot_id[:8]}"
        staging = table_dir / f".incoming-{uuid.uuid4().hex}"
        try:
            for name, body in documents.items():
                target = staging / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(body)
                target.chmod(0o444)  # snapshots are immutable
            (staging / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
            os.replace(staging, final)  # a half-written snapshot is never visible
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return Snapshot(final, manifest)
