from datetime import UTC, datetime

from pipelines.sources.cbs.snapshots import SnapshotStore

DOCS = {"TableInfos.json": b'{"value": []}', "TypedDataSet/0001.json": b'{"value": [{"ID": 0}]}'}


def test_same_content_is_one_snapshot_whatever_the_retrieval_time(tmp_path):
    store = SnapshotStore(tmp_path)
    first = store.write("opendata", "84583NED", DOCS, source_url="u", retrieved_at=datetime(2024, 1, 1, tzinfo=UTC))
    again = store.write("opendata", "84583NED", DOCS, source_url="u", retrieved_at=datetime(2024, 6, 1, tzinfo=UTC))
    assert again.path == first.path
    assert len(store.snapshots("opendata", "84583NED")) == 1


def test_a_new_release_is_a_new_snapshot_and_both_are_kept_in_order(tmp_path):
    store = SnapshotStore(tmp_path)
    old = store.write("opendata", "T", DOCS, source_url="u", retrieved_at=datetime(2024, 1, 1, tzinfo=UTC))
    revised = {**DOCS, "TypedDataSet/0001.json": b'{"value": [{"ID": 0, "X_1": 5}]}'}
    new = store.write("opendata", "T", revised, source_url="u", retrieved_at=datetime(2024, 6, 1, tzinfo=UTC))
    assert new.snapshot_id != old.snapshot_id
    assert [s.snapshot_id for s in store.snapshots("opendata", "T")] == [old.snapshot_id, new.snapshot_id]
    assert (old.path / "TypedDataSet" / "0001.json").read_bytes() == DOCS["TypedDataSet/0001.json"]


def test_snapshot_files_are_read_only_and_listed_in_the_manifest(tmp_path):
    snapshot = SnapshotStore(tmp_path).write("opendata", "T", DOCS, source_url="https://x/T", synthetic=True)
    page = snapshot.path / "TypedDataSet" / "0001.json"
    assert page.stat().st_mode & 0o222 == 0
    assert set(snapshot.manifest["files"]) == set(DOCS)
    assert snapshot.synthetic is True
    assert snapshot.manifest["source_url"] == "https://x/T"
    assert not list(tmp_path.glob("opendata/T/.incoming-*"))
