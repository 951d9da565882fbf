"""Benchmark the gemeente-file intake against bare baselines on the same files, in the same run.

Three cases, each generated (synthetic) and then loaded exactly as the pipeline loads a file (archive, read,
validate, pseudonymise, raw + quarantine + load log, with the demo installation's column mappings):

- one care export of 1 million invoice lines (CSV), against a bare DuckDB ``read_csv`` of the file into a table
  and a plain pandas pipeline that reads it and makes the same checks (required values, dates, amounts with a
  decimal comma, codes, postcodes, the BSN 11-test and its HMAC pseudonym) before writing the good rows to DuckDB;
- the demo region's care exports for 2015-2024, one small CSV per gemeente and half year (280 files), as a real
  installation receives them, against a bare ``read_csv`` of each file: per-file overhead beside rows/s;
- one iWmo 323 declaration of 200,000 invoice lines (XML), against an lxml ``iterparse`` that only counts the
  invoice lines (the floor for any parser that reads the whole file).

Each measurement runs in its own fresh process, so its peak memory (ru_maxrss) is its own. Targets (issue 14):
CSV intake >= 50 % of the bare read_csv and >= 2x the pandas pipeline; XML >= 50 % of the iterparse floor.

    .venv/bin/python scripts/benchmark_intake.py [--csv-lines 1000000] [--small-lines 500000]
        [--xml-lines 200000] [--only csv,small,xml] [--keep DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import os
import resource
import shutil
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import duckdb

from demo.gemeente_files import synthetic_bsn

CLIENTS = 50_000
KEY = b"benchmark-key-benchmark-key-benchmark-key"
SOURCE = "zorg"
KINDS = {"aanvraag": "315", "toewijzing": "301", "start": "305", "stop": "307", "declaratie": "323", "afwijzing": "325"}


def write_csv(path: Path, lines: int) -> None:
    """A care export (';', decimal commas) written by DuckDB: 1M lines in a few seconds, no Python loop."""
    with duckdb.connect() as con:
        con.execute(
            "CREATE TABLE bsn AS SELECT unnest(?::VARCHAR[]) AS bsn, generate_subscripts(?::VARCHAR[], 1) - 1 AS i",
            [[synthetic_bsn(i) for i in range(CLIENTS)]] * 2,
        )
        con.execute(
            f"""COPY (
                SELECT 'declaratie' AS "Soort regel", CASE WHEN r % 3 = 0 THEN 'jeugd' ELSE 'wmo' END AS Wet,
                       'GM0141' AS Gemeente, '7100000' || (r % 3 + 1) AS Aanbieder, '2025-01-20' AS Dagtekening,
                       bsn.bsn AS BSN, '7' || lpad(CAST(6000 + r % 900 AS VARCHAR), 3, '0') || 'AB' AS Postcode,
                       'A' || lpad(CAST(r % {CLIENTS} AS VARCHAR), 7, '0') AS Toewijzingnummer,
                       '02' AS Productcategorie, '02A02' AS Productcode,
                       '2024-' || lpad(CAST(r % 12 + 1 AS VARCHAR), 2, '0') || '-01' AS Begindatum,
                       CAST(last_day(CAST('2024-' || lpad(CAST(r % 12 + 1 AS VARCHAR), 2, '0') || '-01' AS DATE))
                            AS VARCHAR) AS Einddatum,
                       CAST(r % 40 + 1 AS VARCHAR) AS Volume, '04' AS Eenheid, '62,40' AS Tarief,
                       replace(CAST(CAST((r % 40 + 1) * 62.40 AS DECIMAL(12,2)) AS VARCHAR), '.', ',') AS Bedrag,
                       CASE WHEN r % 97 = 0 THEN 'C' ELSE 'D' END AS "Debet/credit"
                FROM range({lines}) AS t(r) JOIN bsn ON bsn.i = r % {CLIENTS}
            ) TO '{path}' (HEADER, DELIMITER ';')"""
        )


def write_small_files(folder: Path, lines: int) -> list[Path]:
    """The demo region's care exports for 2015-2024 (one file per gemeente and half year), about ``lines``
    invoice lines in all."""
    from demo.region_care import HalfYear, write_care_exports

    files = write_care_exports(folder, lines, HalfYear(2015, 1), HalfYear(2024, 2))
    return [path for paths in files.values() for path in paths]


PRESTATIE = """\t\t\t\t\t<wmo323:Prestatie>
\t\t\t\t\t\t<wmo323:ProductReferentie><iwmo:ReferentieNummer>R{n}</iwmo:ReferentieNummer></wmo323:ProductReferentie>
\t\t\t\t\t\t<wmo323:ToewijzingNummer>A{n:07d}</wmo323:ToewijzingNummer>
\t\t\t\t\t\t<wmo323:ProductCategorie>02</wmo323:ProductCategorie>
\t\t\t\t\t\t<wmo323:ProductCode>02A02</wmo323:ProductCode>
\t\t\t\t\t\t<wmo323:ProductPeriode><iwmo:Begindatum>2024-04-01</iwmo:Begindatum><iwmo:Einddatum>2024-04-30</iwmo:Einddatum></wmo323:ProductPeriode>
\t\t\t\t\t\t<wmo323:GeleverdVolume>4</wmo323:GeleverdVolume>
\t\t\t\t\t\t<wmo323:Eenheid>04</wmo323:Eenheid>
\t\t\t\t\t\t<wmo323:ProductTarief>6240</wmo323:ProductTarief>
\t\t\t\t\t\t<wmo323:IngediendBedrag><iwmo:Bedrag>24960</iwmo:Bedrag><iwmo:DebetCredit>D</iwmo:DebetCredit></wmo323:IngediendBedrag>
\t\t\t\t\t</wmo323:Prestatie>
"""


def write_xml(path: Path, lines: int, per_client: int = 4) -> None:
    """One 323 declaration with ``lines`` invoice lines, ``per_client`` per client, written as a stream."""
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<wmo323:Bericht '
            'xmlns:iwmo="http://www.istandaarden.nl/iwmo/3_2/basisschema/schema" '
            'xmlns:wmo323="http://www.istandaarden.nl/iwmo/3_2/wmo323/schema">\n'
            "\t<wmo323:Header><wmo323:BerichtCode>484</wmo323:BerichtCode><wmo323:Afzender>71000001</wmo323:Afzender>"
            "<wmo323:Ontvanger>0141</wmo323:Ontvanger><wmo323:BerichtIdentificatie><iwmo:Identificatie>BENCH1"
            "</iwmo:Identificatie><iwmo:Dagtekening>2024-05-10</iwmo:Dagtekening></wmo323:BerichtIdentificatie>"
            "</wmo323:Header>\n\t<wmo323:Declaratie><wmo323:DeclaratieNummer>DBENCH</wmo323:DeclaratieNummer>\n"
            f"\t\t<wmo323:TotaalIngediendBedrag><iwmo:TotaalBedrag>{24960 * lines}</iwmo:TotaalBedrag>"
            "<iwmo:DebetCredit>D</iwmo:DebetCredit></wmo323:TotaalIngediendBedrag>\n\t\t<wmo323:Clienten>\n"
        )
        for client in range(0, lines, per_client):
            out.write(f"\t\t\t<wmo323:Client><wmo323:Bsn>{synthetic_bsn(client % 1_000_000)}</wmo323:Bsn>\n")
            out.write("\t\t\t\t<wmo323:Prestaties>\n")
            out.write("".join(PRESTATIE.format(n=n) for n in range(client, min(client + per_client, lines))))
            out.write("\t\t\t\t</wmo323:Prestaties>\n\t\t\t</wmo323:Client>\n")
        out.write("\t\t</wmo323:Clienten>\n\t</wmo323:Declaratie>\n</wmo323:Bericht>\n")


# --- the measurements: each runs in a fresh process and returns (seconds, rows, peak MB, note) ---


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _warehouse(root: Path) -> duckdb.DuckDBPyConnection:
    """A warehouse that knows the demo region's gemeenten (the messages' gemeente codes are checked against them),
    opened with the pipeline's DuckDB settings."""
    from demo.geography import demo_region
    from pipelines.config import Settings

    path = root / "warehouse.duckdb"
    path.unlink(missing_ok=True)
    con = duckdb.connect(str(path), config=Settings.from_env({"SBM_HOME": str(root)}).duckdb_config())
    con.execute("SET enable_progress_bar = false")
    con.execute("CREATE SCHEMA raw")
    gemeenten = [(g.code, g.name) for g in demo_region()]
    con.execute("CREATE TABLE raw.cbs_kerncijfers_wijken_buurten (region_code VARCHAR, region_name VARCHAR)")
    con.executemany("INSERT INTO raw.cbs_kerncijfers_wijken_buurten VALUES (?, ?)", gemeenten)
    return con


def product(root: str, files: list[str]) -> tuple[float, int, float, str]:
    """The files through the intake as the raw/zorg asset loads them: one connection, file after file."""
    from demo.__main__ import INSTALLATION
    from pipelines.config import Settings
    from pipelines.installation import load_installation
    from pipelines.sources.files.inbox import InboxFile
    from pipelines.sources.files.load import Places, Rules, ensure_tables, ingest_file
    from pipelines.sources.files.spec import source_specs, with_headers

    home = Path(root)
    settings = Settings.from_env({"SBM_HOME": root})
    mappings = load_installation(INSTALLATION).column_mappings.get(SOURCE, {})
    inbox = settings.inbox / SOURCE
    inbox.mkdir(parents=True, exist_ok=True)
    entries = []
    for name in files:  # copies, as the intake takes them out of the inbox
        target = inbox / Path(name).name
        shutil.copyfile(name, target)
        entries.append(InboxFile(target, SOURCE, None))
    shutil.rmtree(settings.archive, ignore_errors=True)
    with _warehouse(home) as con:
        start = time.perf_counter()
        spec = with_headers(source_specs()[SOURCE], mappings)
        places, rules = Places.of(settings), Rules.of(settings)
        ensure_tables(con, spec)
        results = [ingest_file(con, spec, e, places, load_id="benchmark", key=KEY, rules=rules) for e in entries]
        seconds = time.perf_counter() - start
    failed = [r.summary() for r in results if r.status != "loaded"]
    if failed:
        raise RuntimeError(f"{len(failed)} file(s) not loaded: {failed[:3]}")
    rows = sum(r.rows_in_file or 0 for r in results)
    quarantined = sum(r.rows_quarantined for r in results)
    return seconds, rows, _peak_mb(), f"{quarantined:,} quarantined"


def bare_read_csv(root: str, files: list[str]) -> tuple[float, int, float, str]:
    """DuckDB's read_csv of each file into a table (types detected), nothing else; one file per statement, as the
    intake reads them."""
    with _warehouse(Path(root)) as con:
        start = time.perf_counter()
        con.execute("CREATE TABLE lines AS FROM read_csv(?, delim = ';', header = true) LIMIT 0", [files[0]])
        rows = sum(
            con.execute("INSERT INTO lines FROM read_csv(?, delim = ';', header = true)", [f]).fetchone()[0]
            for f in files
        )
        seconds = time.perf_counter() - start
    return seconds, rows, _peak_mb(), ""


def _elfproef(bsn):  # a pandas Series of strings -> booleans
    digits = bsn.str.extract("^([0-9]{9})$")[0]
    valid = digits.notna()
    total = sum(digits.str[i].fillna("0").astype(int) * w for i, w in enumerate((9, 8, 7, 6, 5, 4, 3, 2, -1)))
    return valid & (total % 11 == 0) & (digits != "000000000")


def pandas_pipeline(root: str, files: list[str]) -> tuple[float, int, float, str]:
    """What a data engineer would write with pandas: read every cell as text, check and convert each column
    vectorised, pseudonymise the BSN (HMAC per distinct BSN), keep the reasons per rejected row, write the good
    rows to DuckDB."""
    import pandas as pd

    with _warehouse(Path(root)) as con:
        start = time.perf_counter()
        rows = rejected = 0
        for name in files:
            df = pd.read_csv(name, sep=";", dtype=str, keep_default_na=False)
            cells = df.apply(lambda c: c.str.strip())
            problems = {}
            for column in ("Soort regel", "Wet", "Gemeente", "Dagtekening", "BSN"):
                problems[f"missing {column}"] = cells[column] == ""
            wet = cells["Wet"].str.lower().map({"wmo": "wmo", "jeugd": "jeugd", "iwmo": "wmo", "ijw": "jeugd"})
            problems["bad wet"] = wet.isna()
            kind = cells["Soort regel"].str.lower().map(KINDS)
            problems["bad kind"] = kind.isna()
            dates = {}
            for column in ("Dagtekening", "Begindatum", "Einddatum"):
                dates[column] = pd.to_datetime(cells[column], format="%Y-%m-%d", errors="coerce")
                problems[f"bad {column}"] = dates[column].isna() & (cells[column] != "")
            amounts = {}
            for column in ("Tarief", "Bedrag"):
                text = cells[column].str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
                amounts[column] = pd.to_numeric(text, errors="coerce")
                problems[f"bad {column}"] = (amounts[column].isna() & (cells[column] != "")) | (amounts[column] < 0)
                problems[f"decimals {column}"] = amounts[column].notna() & (amounts[column].round(2) != amounts[column])
            volume = pd.to_numeric(cells["Volume"], errors="coerce")
            problems["bad volume"] = (
                (volume.isna() & (cells["Volume"] != "")) | (volume < 0) | (volume.notna() & (volume % 1 != 0))
            )
            problems["bad postcode"] = ~cells["Postcode"].str.fullmatch("[1-9][0-9]{3} ?[A-Z]{2}") & (
                cells["Postcode"] != ""
            )
            problems["bad product"] = ~cells["Productcode"].str.fullmatch("[0-9A-Z]{5}")
            problems["bad category"] = ~cells["Productcategorie"].str.fullmatch("[0-9]{2}")
            problems["bad gemeente"] = ~cells["Gemeente"].str.fullmatch("GM[0-9]{4}")
            problems["invalid bsn"] = ~_elfproef(cells["BSN"])
            problems["end before start"] = dates["Einddatum"] < dates["Begindatum"]
            reasons = pd.DataFrame(problems)
            bad = reasons.any(axis=1)
            pseudonyms = {b: hmac.new(KEY, b.encode(), hashlib.sha256).hexdigest() for b in cells["BSN"].unique()}
            good = pd.DataFrame(
                {
                    "wet": wet,
                    "berichttype": kind,
                    "gemeente_code": cells["Gemeente"],
                    "client_id": cells["BSN"].map(pseudonyms),
                    "postcode": cells["Postcode"].str.replace(" ", ""),
                    "product_code": cells["Productcode"],
                    "begindatum": dates["Begindatum"],
                    "einddatum": dates["Einddatum"],
                    "volume": volume,
                    "tarief": amounts["Tarief"],
                    "bedrag": amounts["Bedrag"],
                }
            )[~bad]
            # reasons of the rejected rows only: the names of the failed checks, per row
            failed = reasons[bad]
            _ = failed.apply(lambda row: list(row.index[row]), axis=1)
            con.register("good", good)
            con.execute("CREATE TABLE IF NOT EXISTS zorg AS FROM good LIMIT 0")
            con.execute("INSERT INTO zorg FROM good")
            con.unregister("good")
            rows += len(df)
            rejected += int(bad.sum())
        seconds = time.perf_counter() - start
    return seconds, rows, _peak_mb(), f"{rejected:,} rejected"


def iterparse_floor(root: str, files: list[str]) -> tuple[float, int, float, str]:
    """lxml's iterparse over the message, counting invoice lines and clearing each one: nothing is kept."""
    from lxml import etree

    start = time.perf_counter()
    lines = 0
    for name in files:
        tag = "{http://www.istandaarden.nl/iwmo/3_2/wmo323/schema}Prestatie"
        for _, element in etree.iterparse(name, events=("end",), tag=tag):
            lines += 1
            element.clear(keep_tail=False)
    return time.perf_counter() - start, lines, _peak_mb(), ""


def measure(function, root: Path, files: list[Path]) -> tuple[float, int, float, str]:
    """``function`` in a fresh process (spawned: no memory shared with this one)."""
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(function, str(root), [str(f) for f in files]).result()


def report(case: str, files: list[Path], runs: dict[str, tuple[float, int, float, str]]) -> str:
    """Print one case's figures; returns its row of the summary table."""
    size = sum(f.stat().st_size for f in files) / 1e6
    seconds, rows, peak, _ = runs["product"]
    speed = rows / seconds
    print(f"\n{case}: {len(files)} file(s), {size:,.0f} MB, {rows:,} rows")
    for name, (s, n, used, note) in runs.items():
        ratio = "" if name == "product" else f"; product = {speed / (n / s):.2f}x this"
        print(f"  {name:15s} {s:7.2f} s  {n / s:>10,.0f} rows/s  peak {used:,.0f} MB{ratio}  {note}".rstrip())
    baseline = next(name for name in runs if name != "product")
    base_seconds, base_rows = runs[baseline][:2]
    pandas = "–"
    if "pandas" in runs:
        pandas_speed = runs["pandas"][1] / runs["pandas"][0]
        pandas = f"{pandas_speed:,.0f} ({speed / pandas_speed:.1f}x)"
    per_file = "–"
    if len(files) > 1:
        per_file = f"{seconds / len(files) * 1000:,.0f} ms ({base_seconds / len(files) * 1000:,.0f} ms)"
        print(f"  per file: product {per_file.replace(' (', ', ' + baseline + ' ').rstrip(')')}")
    return (
        f"| {case} | {rows:,} | {speed:,.0f} | {baseline}: {base_rows / base_seconds:,.0f} "
        f"({speed / (base_rows / base_seconds):.0%}) | {pandas} | {per_file} | "
        f"{peak:,.0f} MB |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv-lines", type=int, default=1_000_000)
    parser.add_argument("--small-lines", type=int, default=500_000, help="invoice lines over the 280 small files")
    parser.add_argument("--xml-lines", type=int, default=200_000)
    parser.add_argument("--only", default="csv,small,xml", help="which cases (comma-separated)")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()
    cases = {c.strip() for c in args.only.split(",")}
    memory = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 1e9
    print(f"machine: {os.cpu_count()} cores, {memory:.0f} GB; load average {os.getloadavg()[0]:.1f}")
    root = args.keep or Path(tempfile.mkdtemp(prefix="sbm-benchmark-"))
    data = root / "data"
    data.mkdir(parents=True, exist_ok=True)
    table = []
    try:
        if "csv" in cases:
            path = data / "export.csv"
            write_csv(path, args.csv_lines)
            runs = {
                name: measure(f, root, [path])
                for name, f in (("bare read_csv", bare_read_csv), ("product", product), ("pandas", pandas_pipeline))
            }
            table.append(report("CSV, one file", [path], runs))
        if "small" in cases:
            files = write_small_files(data / "exports", args.small_lines)
            runs = {
                name: measure(f, root, files)
                for name, f in (("bare read_csv", bare_read_csv), ("product", product), ("pandas", pandas_pipeline))
            }
            table.append(report("CSV, one per gemeente and half year", files, runs))
        if "xml" in cases:
            path = data / "declaratie.xml"
            write_xml(path, args.xml_lines)
            runs = {
                name: measure(f, root, [path])
                for name, f in (("iterparse floor", iterparse_floor), ("product", product))
            }
            table.append(report("XML 323", [path], runs))
        print(
            "\n| case | rows | product rows/s | baseline rows/s (product as % of it) | pandas rows/s (product ÷ it) "
            "| per file: product (baseline) | product peak memory |"
        )
        print("|---|---|---|---|---|---|---|")
        print("\n".join(table))
        print(f"load average at the end {os.getloadavg()[0]:.1f}")
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
