"""Benchmark the whole pipeline on a region's care data at scale: 1, 5, 10 or 50 million invoice lines.

Per size, in a fresh state folder with the demo's installation file: the demo region's CBS tables (all its wijken
and buurten) and postcode table, and SYNTHETIC care exports of its 14 gemeenten for 2015-2024 plus the first half
of 2025, one CSV per gemeente and half year in the documented export format (demo/region_care.py). Then, as
`make refresh` and the inbox sensor would:

- full build: every file of 2015-2024 in the inbox and the full_refresh job (ingest, dbt, checks, publish);
- increment: the 2025H1 files in the inbox and the gemeente_files job for care (what the inbox sensor starts);
- reference: the same care files through a bare DuckDB `read_csv` into a table, in the same run.

It prints, per size: intake rows/s (care files) against the bare read_csv, the build time (dbt, checks and
publish, after the intake), the peak memory of the process tree (this process and dbt, sampled every 0.1 s), the
increment's intake and build, and the slowest dbt nodes of both builds.

    .venv/bin/python scripts/benchmark_scale.py [--sizes 1M,10M,50M] [--workdir DIR] [--keep]

The default size (1M) takes a few minutes; 10M about 8 minutes; 50M about 30 minutes and ~30 GB of disk (DuckDB's
spill included) on a quiet 2-core machine. Each size's folder is removed afterwards unless --keep. Targets
(issue 14): 10M full build <= 3 min and <= 4 GB; 50M <= 10 min and <= 8 GB; the increment on 50M <= 1 min.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from demo.__main__ import install_profile
from demo.cbs import write_cbs_demo
from demo.gemeente_files import postcode_file
from demo.region_care import HalfYear, write_care_exports
from pipelines.config import DBT_PROJECT_DIR, Settings
from pipelines.instance import parse_dbt_project
from pipelines.sources.cbs.registry import load_registry
from pipelines.sources.cbs.snapshots import SnapshotStore

FIRST, LAST, INCREMENT = HalfYear(2015, 1), HalfYear(2024, 2), HalfYear(2025, 1)
SIZES = {"1M": 1_000_000, "5M": 5_000_000, "10M": 10_000_000, "50M": 50_000_000}
CARE_STEP = "raw__zorg"


class PeakMemory:
    """Peak resident memory of this process and all its descendants together, sampled in a thread."""

    def __init__(self, interval: float = 0.1):
        self.interval, self.peak, self._stop = interval, 0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    @staticmethod
    def _tree_rss(root: int) -> int:
        children: dict[int, list[int]] = {}
        rss: dict[int, int] = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            pid = int(entry.name)
            children.setdefault(int(fields[1]), []).append(pid)
            rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        total, todo = 0, [root]
        while todo:
            pid = todo.pop()
            total += rss.get(pid, 0)
            todo += children.get(pid, [])
        return total

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._tree_rss(os.getpid()))
            time.sleep(self.interval)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def gb(self) -> float:
        return self.peak / 1e9


@dataclass
class Run:
    seconds: float  # wall time of the job, planning included
    steps: dict[str, float] = field(default_factory=dict)  # step -> seconds
    success: bool = True

    def intake(self) -> float:
        return self.steps.get(CARE_STEP, 0.0)

    def ingest(self) -> float:
        return sum(s for step, s in self.steps.items() if step.startswith("raw__") and "_gx" not in step)


def run_job(settings: Settings, job: str, asset_selection=None) -> Run:
    """Run a job in this process on a persistent instance in the state folder, as `make refresh` does."""
    import dagster as dg

    from pipelines.definitions import build_definitions
    from pipelines.instance import prepare_dagster_home

    prepare_dagster_home(settings)
    os.environ["DAGSTER_HOME"] = str(settings.dagster_home)
    start = time.perf_counter()
    with dg.DagsterInstance.get() as instance:
        result = (
            build_definitions(settings)
            .resolve_job_def(job)
            .execute_in_process(instance=instance, raise_on_error=False, asset_selection=asset_selection)
        )
        seconds = time.perf_counter() - start
        stats = instance.get_run_step_stats(result.run_id)
    steps = {s.step_key: (s.end_time or 0) - (s.start_time or 0) for s in stats}
    return Run(seconds, steps, result.success)


def bare_read_csv(files: list[Path], workdir: Path) -> tuple[float, int]:
    """The reference: the same files read by DuckDB's read_csv into a table, nothing else (one file at a time,
    as the intake reads them)."""
    database = workdir / "reference.duckdb"
    rows, start = 0, time.perf_counter()
    with duckdb.connect(str(database)) as con:
        con.execute("CREATE TABLE lines AS FROM read_csv(?, delim = ';', header = true) LIMIT 0", [str(files[0])])
        for path in files:
            insert = "INSERT INTO lines FROM read_csv(?, delim = ';', header = true)"
            rows += con.execute(insert, [str(path)]).fetchone()[0]
    seconds = time.perf_counter() - start
    database.unlink()
    return seconds, rows


def slowest_dbt_nodes(count: int = 5) -> list[tuple[float, str]]:
    """The slowest nodes of the latest `dbt build` of the core models (dagster-dbt keeps one folder per call)."""
    runs = sorted(DBT_PROJECT_DIR.glob("target/sbm_dbt_assets-*/run_results.json"), key=lambda p: p.stat().st_mtime)
    if not runs:
        return []
    results = json.loads(runs[-1].read_text())["results"]
    return sorted(((r["execution_time"], r["unique_id"].split(".", 2)[-1]) for r in results), reverse=True)[:count]


def benchmark(label: str, invoice_lines: int, workdir: Path) -> dict:
    home = workdir / label
    shutil.rmtree(home, ignore_errors=True)
    # the generated region is the demo's: its installation file (a copy of demo/installation.yaml) in the state folder
    environ = {**os.environ, "SBM_HOME": str(home), "SBM_INSTALLATION": str(home / "installation.yaml")}
    install_profile(Settings.from_env(environ))
    settings = Settings.from_env(environ)
    parse_dbt_project(settings)  # as `make refresh` does: each dbt call then parses only what changed, with these vars
    # imported once the manifest exists: the dbt assets are defined from it (a fresh clone has none before this)
    from pipelines.definitions import build_definitions
    from pipelines.sensors import file_run_assets

    print(f"\n== {label}: {invoice_lines:,} invoice lines, state folder {home}", flush=True)

    start = time.perf_counter()
    write_cbs_demo(SnapshotStore(settings.snapshots / "cbs"), load_registry())
    postcodes = settings.inbox / "postcodes" / "postcodetabel_2015-2024_synthetisch.csv"
    postcodes.parent.mkdir(parents=True)
    postcodes.write_text(postcode_file())
    files = write_care_exports(home / "exports", invoice_lines, FIRST, INCREMENT)
    base = [path for period, paths in files.items() if period <= LAST for path in paths]
    megabytes = sum(p.stat().st_size for p in base) / 1e6
    print(f"generated in {time.perf_counter() - start:.0f} s: {len(base)} files, {megabytes:,.0f} MB", flush=True)

    reference_seconds, rows = bare_read_csv(base, home)
    print(f"bare read_csv: {rows:,} rows in {reference_seconds:.1f} s = {rows / reference_seconds:,.0f} rows/s")

    inbox = settings.inbox / "zorg"
    inbox.mkdir(parents=True, exist_ok=True)
    for path in base:
        path.rename(inbox / path.name)
    with PeakMemory() as memory:
        full = run_job(settings, "full_refresh")
    full_build = full.seconds - full.ingest()
    print(
        f"full refresh ({'ok' if full.success else 'FAILED'}): {full.seconds:.0f} s; care intake {full.intake():.0f} s "
        f"= {rows / max(full.intake(), 1e-9):,.0f} rows/s; build (dbt, checks, publish) {full_build:.0f} s; "
        f"peak memory {memory.gb:.1f} GB",
        flush=True,
    )
    slow = slowest_dbt_nodes()

    increment = files[INCREMENT]
    with duckdb.connect() as con:
        increment_rows = con.execute(
            "SELECT count(*) FROM read_csv(?, delim = ';', header = true)", [[str(p) for p in increment]]
        ).fetchone()[0]
    for path in increment:
        path.rename(inbox / path.name)
    graph = build_definitions(settings).get_repository_def().asset_graph
    with PeakMemory() as increment_memory:
        step = run_job(settings, "gemeente_files", asset_selection=file_run_assets("zorg", graph))
    print(
        f"increment {INCREMENT.label} ({'ok' if step.success else 'FAILED'}): {increment_rows:,} rows, "
        f"{step.seconds:.0f} s (intake {step.intake():.0f} s, build {step.seconds - step.ingest():.0f} s), "
        f"peak memory {increment_memory.gb:.1f} GB",
        flush=True,
    )
    slow_increment = slowest_dbt_nodes()
    return {
        "size": label,
        "rows": rows,
        "intake_rows_s": rows / max(full.intake(), 1e-9),
        "bare_rows_s": rows / reference_seconds,
        "build_s": full_build,
        "refresh_s": full.seconds,
        "peak_gb": memory.gb,
        "increment_s": step.seconds,
        "increment_build_s": step.seconds - step.ingest(),
        "increment_intake_s": step.intake(),
        "ok": full.success and step.success,
        "slowest": slow,
        "slowest_increment": slow_increment,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1M", help=f"comma-separated, of {', '.join(SIZES)} (default 1M)")
    parser.add_argument("--workdir", type=Path, help="where the state folders go (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep each size's state folder")
    args = parser.parse_args()
    sizes = [s.strip().upper() for s in args.sizes.split(",")]
    if unknown := [s for s in sizes if s not in SIZES]:
        parser.error(f"unknown size(s) {unknown}; choose from {', '.join(SIZES)}")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="sbm-scale-"))
    settings = Settings.from_env({**os.environ, "SBM_HOME": str(workdir)})
    memory = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 1e9
    limit = getattr(settings, "duckdb_memory_limit", "DuckDB's default")  # main before issue 14 has none
    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} cores, {memory:.0f} GB; load average {load:.1f}; DuckDB memory limit {limit}")
    results = []
    for size in sizes:
        results.append(benchmark(size, SIZES[size], workdir))
        if not args.keep:
            shutil.rmtree(workdir / size, ignore_errors=True)
    columns = ["size", "care rows", "intake rows/s (bare read_csv)", "full build", "peak memory"]
    columns.append("increment (intake + build)")
    print("\n| " + " | ".join(columns) + " |\n" + "|---" * len(columns) + "|")
    for r in results:
        print(
            f"| {r['size']} | {r['rows']:,} | {r['intake_rows_s']:,.0f} ({r['bare_rows_s']:,.0f}, "
            f"{r['intake_rows_s'] / r['bare_rows_s']:.0%}) | {r['build_s']:.0f} s | {r['peak_gb']:.1f} GB | "
            f"{r['increment_s']:.0f} s ({r['increment_intake_s']:.0f} + {r['increment_build_s']:.0f}) |"
            + ("" if r["ok"] else " FAILED")
        )
    for r in results:
        for build, key in (("full build", "slowest"), ("increment", "slowest_increment")):
            print(f"\nslowest dbt nodes of the {build}, {r['size']}:")
            for seconds, node in r[key]:
                print(f"  {seconds:6.1f} s  {node}")
    print(f"\nload average at the end {os.getloadavg()[0]:.1f}")
    if args.workdir is None and not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
