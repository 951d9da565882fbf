"""Benchmark the gemeente-file intake: one large iWmo 323 message (XML) and a care export of 1 million invoice
lines (CSV), each generated, then loaded exactly as the pipeline loads a file (archive, read, validate,
pseudonymise, raw + quarantine + load log). Prints throughput and the process's peak memory.

    .venv/bin/python scripts/benchmark_intake.py [--xml-lines 200000] [--csv-lines 1000000] [--keep DIR]

Everything happens in a temporary folder (or --keep DIR); the data is synthetic.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import duckdb

from demo.gemeente_files import synthetic_bsn
from pipelines.config import Settings
from pipelines.sources.files.inbox import InboxFile
from pipelines.sources.files.load import Places, Rules, ingest_file
from pipelines.sources.files.spec import source_specs

CLIENTS = 50_000
KEY = b"benchmark-key-benchmark-key-benchmark-key"


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


def load(con: duckdb.DuckDBPyConnection, root: Path, path: Path) -> tuple[float, object]:
    start = time.perf_counter()
    settings = Settings.from_env({"SBM_HOME": str(root)})  # the installation's rules, as a refresh has them
    result = ingest_file(
        con,
        source_specs()["zorg"],
        InboxFile(path, "zorg", None),
        Places.of(settings),
        load_id="benchmark",
        key=KEY,
        rules=Rules.of(settings),
    )
    return time.perf_counter() - start, result


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv-lines", type=int, default=1_000_000)
    parser.add_argument("--xml-lines", type=int, default=200_000)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sbm-benchmark-") as scratch:
        root = args.keep or Path(scratch)
        (root / "inbox" / "zorg").mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(root / "warehouse.duckdb"))
        # the gemeente codes of the messages are checked against the regions the warehouse knows
        con.execute("CREATE SCHEMA raw")
        con.execute(
            "CREATE TABLE raw.cbs_kerncijfers_wijken_buurten AS SELECT 'GM0141' AS region_code, 'Almelo' AS region_name"
        )
        # XML first: its peak memory is then the parser's own, before the CSV load's DuckDB tables
        for kind, lines, writer in (("xml", args.xml_lines, write_xml), ("csv", args.csv_lines, write_csv)):
            path = root / "inbox" / "zorg" / f"benchmark.{kind}"
            start = time.perf_counter()
            writer(path, lines)
            generated = time.perf_counter() - start
            size = path.stat().st_size / 1e6
            seconds, result = load(con, root, path)
            print(
                f"{kind.upper()}: {lines:,} invoice lines, {size:,.0f} MB, generated in {generated:.1f} s; "
                f"loaded in {seconds:.1f} s = {lines / seconds:,.0f} lines/s ({size / seconds:,.1f} MB/s); "
                f"{result.summary()}; peak memory of this process so far {peak_mb():,.0f} MB"
            )
        con.close()


if __name__ == "__main__":
    main()
