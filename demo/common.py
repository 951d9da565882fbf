"""Pieces every SYNTHETIC gemeente file of the demo shares: fake people (BSNs that pass the 11-test, names that
must never reach the warehouse) and the CSV writer."""

from __future__ import annotations

import csv
import io

from demo.geography import rng

LABEL = "SYNTHETISCHE DEMODATA"
FIRST_NAMES = ("Anna", "Bram", "Fatima", "Gerrit", "Henk", "Ilse", "Jan", "Kees", "Mohamed", "Noor", "Sanne", "Wim")
SURNAMES = ("Bakker", "Jansen", "Kok", "Meijer", "Mulder", "Nijhuis", "Oude Egberink", "Smit", "de Vries", "Visser")


def synthetic_bsn(number: int) -> str:
    """A distinct 9-digit number per ``number`` (< 10^6) that passes the 11-test: '9', six digits of the number,
    then the first of ten trial digits that allows a check digit (two in a row always do)."""
    for trial in range(10):
        digits = [9, *map(int, f"{number:06d}"), trial]
        check = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True)) % 11
        if check < 10:
            return "".join(map(str, digits)) + str(check)
    raise AssertionError("unreachable: 2 x trial runs through all residues mod 11")


def person_name(*parts: object) -> str:
    r = rng("name", *parts)
    return f"{r.choice(FIRST_NAMES)} {r.choice(SURNAMES)}"


def csv_text(rows: list[list[object]], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()
