"""A region's care data at any size: SYNTHETIC case-system exports of the demo region (its 14 gemeenten and their
postcodes) in the documented CSV export format (README, "CSV export format for care data"), one file per gemeente
and half year, generated in DuckDB SQL: fifty million invoice lines take minutes, not the hours a Python loop would.

The scale benchmark (scripts/benchmark_scale.py) loads them, and so does the test that an incremental build gives
the same marts as a full one. Every file name contains ``synthetisch``, so the intake flags their rows synthetic.

The world: care trajectories (a client, a product, a start, an end or none), each with a request (315), an
allocation (301) renewed every twelve months while care goes on, a start report (305), a stop report (307) once
care ended, and one invoice line (323) per month in care. One line in a hundred is credited and invoiced again
with one unit less, and one in three hundred is rejected in a declaration answer (325). A client keeps a home
postcode in a gemeente (one trajectory in ten is at another address of that gemeente).

Each row goes into the file of the half year its begindatum lies in (rows dated before the first half year go into
the first file): a CSV export's replace scope is the month of begindatum, so every file holds whole months and no
later file replaces part of an earlier one. Randomness is an integer hash of the row numbers: the same arguments
give the same files, byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from demo.care_history import JEUGD_REFERRERS, PRODUCTS
from demo.geography import demo_region
from pipelines.sql import literal

EPOCH = 2015  # month numbers count from January of this year
START_SPREAD = 36  # trajectories begin up to this many months before the first month (in care when data begin)
MAX_MONTHS = 48  # longest trajectory; lengths are skewed towards short care
RENEWAL_MONTHS = 12
CREDIT_EVERY = 100
REJECT_EVERY = 300
CLIENTS_PER_TRAJECTORY = 0.8  # some clients have a second trajectory (another product, later)
PROVIDERS = 40  # per law
HEADER = ("Soort regel", "Wet", "Gemeente", "Aanbieder", "Dagtekening", "BSN", "Geboortejaar", "Postcode",
          "Toewijzingnummer", "Productcategorie", "Productcode", "Begindatum", "Einddatum", "Volume", "Eenheid",
          "Frequentie", "Tarief", "Bedrag", "Debet/credit", "Declaratienummer", "Referentienummer", "Retourcodes",
          "Verwijzer")  # fmt: skip
KINDS = {"315": "aanvraag", "301": "toewijzing", "305": "start", "307": "stop", "323": "declaratie",
         "325": "afwijzing"}  # fmt: skip


@dataclass(frozen=True, order=True)
class HalfYear:
    year: int
    half: int  # 1 or 2

    @classmethod
    def parse(cls, text: str) -> HalfYear:
        """'2025H1' -> HalfYear(2025, 1)."""
        year, half = text.upper().split("H")
        return cls(int(year), int(half))

    @property
    def label(self) -> str:
        return f"{self.year}H{self.half}"

    @property
    def first_month(self) -> int:
        return (self.year - EPOCH) * 12 + (self.half - 1) * 6

    def next(self) -> HalfYear:
        return HalfYear(self.year + self.half - 1, 3 - self.half)


def _list(values: list[str]) -> str:
    return "[" + ", ".join(literal(v) for v in values) + "]::VARCHAR[]"


# A number in [0, 1) from row numbers: a 32-bit integer hash (xor-shift-multiply), the same on every DuckDB version.
# A BSN that passes the 11-test: eight digits 9xxxxxxx from the client number (2c, or 2c + 1 where 2c would need a
# check digit of 10: the last digit weighs 2, so one more gives residue 1), then the check digit.
MACROS = """
CREATE OR REPLACE TEMP MACRO mix32(x) AS (xor(x >> 16, x) * 73244475) % 4294967296;
CREATE OR REPLACE TEMP MACRO hash32(x) AS xor(mix32(mix32(x)) >> 16, mix32(mix32(x)));
CREATE OR REPLACE TEMP MACRO rnd(a, b, salt) AS hash32((a * 92821 + b * 31 + salt * 7919) % 4294967296) / 4294967296.0;
CREATE OR REPLACE TEMP MACRO month_date(m, day) AS CAST(DATE '2015-01-01' + to_months(m) AS DATE) + (day - 1);
CREATE OR REPLACE TEMP MACRO month_end(m) AS CAST(DATE '2015-01-01' + to_months(m + 1) AS DATE) - 1;
CREATE OR REPLACE TEMP MACRO euro(x) AS replace(CAST(CAST(x AS DECIMAL(14, 2)) AS VARCHAR), '.', ',');
CREATE OR REPLACE TEMP MACRO eleven(p) AS (
    9 * (p // 10000000 % 10) + 8 * (p // 1000000 % 10) + 7 * (p // 100000 % 10) + 6 * (p // 10000 % 10)
    + 5 * (p // 1000 % 10) + 4 * (p // 100 % 10) + 3 * (p // 10 % 10) + 2 * (p % 10)) % 11;
CREATE OR REPLACE TEMP MACRO bsn_prefix(c) AS
    90000000 + 2 * c + CASE WHEN eleven(90000000 + 2 * c) = 10 THEN 1 ELSE 0 END;
CREATE OR REPLACE TEMP MACRO bsn(c) AS CAST(bsn_prefix(c) AS VARCHAR) || CAST(eleven(bsn_prefix(c)) AS VARCHAR);
"""
MAX_CLIENTS = 4_999_999  # 9 + 2c keeps eight digits


def _world(con: duckdb.DuckDBPyConnection, trajectories: int, first_month: int, last_month: int) -> None:
    """Trajectories (client, gemeente, postcode, product, start and end month; end NULL: still in care after
    last_month) and their allocations, as temp tables."""
    region = demo_region()
    con.execute(
        "CREATE OR REPLACE TEMP TABLE gemeenten AS SELECT * FROM (VALUES "
        + ", ".join(
            f"({i}, {literal(g.code)}, {sum(a.population_2015 for a in g.areas):.0f}, "
            f"{_list([pc for a in g.areas for pc in a.postcodes])})"
            for i, g in enumerate(region)
        )
        + ") AS t(gi, gemeente, population, postcodes)"
    )
    # 1,000 slots shared out by population: a client's gemeente is the one of a random slot
    con.execute(
        """CREATE OR REPLACE TEMP TABLE gemeente_slots AS SELECT list(gi ORDER BY slot) AS slots FROM (
               SELECT gi, unnest(range(round(1000 * (cum - population) / total)::INT,
                                       round(1000 * cum / total)::INT)) AS slot
               FROM (SELECT gi, population, sum(population) OVER (ORDER BY gi) AS cum, sum(population) OVER () AS total
                     FROM gemeenten))"""
    )
    products = [p for p in PRODUCTS for _ in range(p.weight)]  # a product as often as its weight says
    con.execute(
        "CREATE OR REPLACE TEMP TABLE products AS SELECT * FROM (VALUES "
        + ", ".join(
            f"({i}, {literal(p.wet)}, {literal(p.category)}, {literal(p.code)}, {literal(p.unit)}, {p.tariff}, "
            f"{max(2, round(p.volume / 3))})"
            for i, p in enumerate(products)
        )
        + ") AS t(pi, wet, categorie, productcode, eenheid, tarief, volume)"
    )
    clients = max(1, min(MAX_CLIENTS, round(trajectories * CLIENTS_PER_TRAJECTORY)))
    span = last_month - first_month + 1 + START_SPREAD
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE trajectories AS
        WITH drawn AS (
            SELECT t, hash32(t) % {clients} AS client,
                   {first_month - START_SPREAD} + floor(rnd(t, 0, 1) * {span})::INT AS start_month,
                   1 + floor({MAX_MONTHS} * rnd(t, 0, 2) * rnd(t, 0, 3))::INT AS months,
                   1 + floor(28 * rnd(t, 0, 4))::INT AS start_day,
                   1 + floor(28 * rnd(t, 0, 5))::INT AS end_day_drawn,
                   floor(rnd(t, 0, 6) * {len(products)})::INT AS pi
            FROM range({trajectories}) AS r(t)
        )
        SELECT t, client, gemeente, wet, categorie, productcode, eenheid, tarief, volume, start_month, start_day,
               CASE WHEN start_month + months - 1 <= {last_month} THEN start_month + months - 1 END AS end_month,
               CASE WHEN months = 1 THEN greatest(start_day, end_day_drawn) ELSE end_day_drawn END AS end_day,
               postcodes[1 + floor(len(postcodes) * CASE WHEN rnd(t, 0, 7) < 0.9 THEN rnd(client, 0, 8)
                                                         ELSE rnd(t, 0, 9) END)::INT] AS postcode,
               CASE wet WHEN 'wmo' THEN 1930 + floor(60 * rnd(client, 0, 10))::INT
                        ELSE 2000 + floor(20 * rnd(client, 0, 10))::INT END AS geboortejaar,
               CASE wet WHEN 'wmo' THEN '01'
                        ELSE ({_list(list(JEUGD_REFERRERS))})[1 + floor(7 * rnd(t, 0, 11))::INT] END AS verwijzer,
               CASE wet WHEN 'wmo' THEN '7' ELSE '4' END || lpad(CAST(client % {PROVIDERS} + 1 AS VARCHAR), 7, '0')
                   AS aanbieder
        FROM drawn
        JOIN gemeenten ON gemeenten.gi = (SELECT slots FROM gemeente_slots)[1 + floor(1000 * rnd(client, 0, 12))::INT]
        JOIN products USING (pi)"""
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE allocations AS
        SELECT t, k, start_month + k * {RENEWAL_MONTHS} AS from_month,
               least(coalesce(end_month, {last_month}), start_month + (k + 1) * {RENEWAL_MONTHS} - 1) AS until_month,
               CASE WHEN k = 0 THEN start_day ELSE 1 END AS from_day,
               'T' || t || '-' || (k + 1) AS nummer
        FROM trajectories,
             range(0, (coalesce(end_month, {last_month}) - start_month) // {RENEWAL_MONTHS} + 1) AS r(k)"""
    )


# The facts whose begindatum lies in months lo..hi, one row each in the export's columns (sorted by every column
# to write them: each client's rows together, in a fixed order).
FACTS = """
WITH months AS (  -- one invoice line per month in care
    SELECT a.t, a.nummer, m,
           CASE WHEN m = tr.start_month THEN tr.start_day ELSE 1 END AS first_day,
           CASE WHEN m = tr.end_month THEN month_date(m, tr.end_day) ELSE month_end(m) END AS until_day
    FROM allocations AS a JOIN trajectories AS tr USING (t),
         range(greatest(a.from_month, {lo}, {first}), least(a.until_month, {hi}) + 1) AS r(m)
),
facts AS (
    SELECT '315' AS kind, t, month_date(start_month, start_day) - 30 AS dagtekening,
           month_date(start_month, start_day) AS begindatum, NULL::DATE AS einddatum, NULL AS nummer,
           NULL::INT AS volume, NULL::DOUBLE AS bedrag, NULL AS dc, NULL AS declaratie, NULL AS referentie,
           NULL AS retour
    FROM trajectories WHERE start_month BETWEEN {lo} AND {hi}
    UNION ALL
    SELECT '301', a.t, month_date(from_month, from_day) - 14, month_date(from_month, from_day),
           CASE WHEN until_month = end_month THEN month_date(end_month, end_day) ELSE month_end(until_month) END,
           nummer, volume, NULL, NULL, NULL, NULL, NULL
    FROM allocations AS a JOIN trajectories USING (t) WHERE from_month BETWEEN {lo} AND {hi}
    UNION ALL
    SELECT '305', t, month_date(start_month, start_day) + 3, month_date(start_month, start_day), NULL,
           'T' || t || '-1', NULL, NULL, NULL, NULL, NULL, NULL
    FROM trajectories WHERE start_month BETWEEN {lo} AND {hi}
    UNION ALL
    SELECT '307', a.t, month_date(end_month, end_day) + 5, month_date(from_month, from_day),
           month_date(end_month, end_day), nummer, NULL, NULL, NULL, NULL, NULL, NULL
    FROM allocations AS a JOIN trajectories USING (t) WHERE until_month = end_month AND from_month BETWEEN {lo} AND {hi}
    UNION ALL
    SELECT '323', t, month_end(m) + 10, month_date(m, first_day), until_day, nummer,
           volume, volume * tarief, 'D', aanbieder || '-' || strftime(month_date(m, 1), '%Y%m'), 'R' || t || '-' || m,
           NULL
    FROM months JOIN trajectories USING (t)
    UNION ALL  -- credited a month later and invoiced again with one unit less
    SELECT '323', t, month_end(m + 1) + 10, month_date(m, first_day), until_day, nummer,
           volume - v.i, (volume - v.i) * tarief, v.dc, aanbieder || '-' || strftime(month_date(m + 1, 1), '%Y%m'),
           'R' || t || '-' || m || v.dc, NULL
    FROM months JOIN trajectories USING (t), (VALUES (0, 'C'), (1, 'D')) AS v(i, dc)
    WHERE rnd(t, m, 20) < 1.0 / {credit_every}
    UNION ALL  -- rejected in the gemeente's declaration answer
    SELECT '325', t, month_end(m) + 24, month_date(m, first_day), until_day, nummer,
           volume, volume * tarief, 'D', aanbieder || '-' || strftime(month_date(m, 1), '%Y%m'), 'R' || t || '-' || m,
           '8001'
    FROM months JOIN trajectories USING (t)
    WHERE rnd(t, m, 21) < 1.0 / {reject_every}
)
SELECT tr.gemeente AS file_gemeente, tr.client AS sort_client, facts.t AS sort_t,
       {kinds}[kind] AS "Soort regel", tr.wet AS "Wet", tr.gemeente AS "Gemeente", tr.aanbieder AS "Aanbieder",
       dagtekening AS "Dagtekening", bsn(tr.client) AS "BSN", tr.geboortejaar AS "Geboortejaar",
       tr.postcode AS "Postcode", facts.nummer AS "Toewijzingnummer", tr.categorie AS "Productcategorie",
       tr.productcode AS "Productcode", begindatum AS "Begindatum", einddatum AS "Einddatum",
       facts.volume AS "Volume", CASE WHEN facts.volume IS NOT NULL THEN tr.eenheid END AS "Eenheid",
       CASE WHEN kind = '301' THEN '4' END AS "Frequentie",
       CASE WHEN bedrag IS NOT NULL THEN euro(tr.tarief) END AS "Tarief", euro(bedrag) AS "Bedrag",
       dc AS "Debet/credit", declaratie AS "Declaratienummer", referentie AS "Referentienummer",
       retour AS "Retourcodes", CASE WHEN kind = '315' THEN tr.verwijzer END AS "Verwijzer"
FROM facts JOIN trajectories AS tr USING (t)
"""


def trajectories_for(invoice_lines: int, months: int) -> int:
    """How many trajectories give about `invoice_lines` invoice lines over `months` months: the mean number of
    months in care within the window, measured on a sample drawn as the generator draws (it truncates at both
    ends, which a closed form would have to model)."""
    with duckdb.connect() as con:
        con.execute(MACROS)
        per_trajectory = con.execute(
            f"""SELECT avg(greatest(0, least(start_month + n - 1, {months - 1}) - greatest(start_month, 0) + 1))
                FROM (SELECT floor(rnd(t, 0, 1) * {months + START_SPREAD})::INT - {START_SPREAD} AS start_month,
                             1 + floor({MAX_MONTHS} * rnd(t, 0, 2) * rnd(t, 0, 3))::INT AS n
                      FROM range(100000) AS r(t))"""
        ).fetchone()[0]
    return max(1, round(invoice_lines / per_trajectory / (1 + 2 / CREDIT_EVERY)))


def write_care_exports(
    folder: Path,
    invoice_lines: int,
    first: HalfYear,
    last: HalfYear,
    con: duckdb.DuckDBPyConnection | None = None,
) -> dict[HalfYear, list[Path]]:
    """Every gemeente's export for each half year from `first` to `last`, with about `invoice_lines` invoice lines
    in all; returns the files per half year (the last one is what a benchmark loads as the increment). `con`: the
    DuckDB connection to generate in (its memory settings apply); an in-memory one by default."""
    folder.mkdir(parents=True, exist_ok=True)
    periods = [first]
    while periods[-1] < last:
        periods.append(periods[-1].next())
    first_month, last_month = first.first_month, last.first_month + 5
    own = con is None
    con = con or duckdb.connect()
    files: dict[HalfYear, list[Path]] = {}
    try:
        con.execute(MACROS)
        _world(con, trajectories_for(invoice_lines, last_month - first_month + 1), first_month, last_month)
        kinds = "MAP {" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in KINDS.items()) + "}"
        columns = ", ".join(f'"{name}"' for name in HEADER)
        for period in periods:
            lo = period.first_month if period != first else first_month - START_SPREAD - MAX_MONTHS
            sql = FACTS.format(lo=lo, hi=period.first_month + 5, first=first_month, kinds=kinds,
                               credit_every=CREDIT_EVERY, reject_every=REJECT_EVERY)  # fmt: skip
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE period_rows AS {sql} "
                f'ORDER BY file_gemeente, sort_client, sort_t, "Begindatum", "Dagtekening", "Soort regel", '
                f'"Referentienummer", "Debet/credit"'
            )
            files[period] = []
            for (gemeente,) in con.execute("SELECT DISTINCT file_gemeente FROM period_rows ORDER BY 1").fetchall():
                path = folder / f"zorgexport_{gemeente}_{period.label}_synthetisch.csv"
                con.execute(
                    f"COPY (SELECT {columns} FROM period_rows WHERE file_gemeente = {literal(gemeente)}) "
                    f"TO {literal(str(path))} (HEADER, DELIMITER ';')"
                )
                files[period].append(path)
        for table in ("period_rows", "allocations", "trajectories", "products", "gemeente_slots", "gemeenten"):
            con.execute(f"DROP TABLE IF EXISTS {table}")
    finally:
        if own:
            con.close()
    return files
