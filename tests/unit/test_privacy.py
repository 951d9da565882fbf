import hashlib
import hmac
import stat

import duckdb
import pytest

from pipelines.config import Settings
from pipelines.sources.privacy import (
    KEY_ENV,
    PseudonymKeyError,
    bsn_check_sql,
    is_valid_bsn,
    load_key,
    pseudonym,
    pseudonym_sql,
)


def sql(expression: str, value: object = None):
    with duckdb.connect() as con:
        return con.execute(f"SELECT {expression} FROM (SELECT ?::VARCHAR AS v)", [value]).fetchall()[0][0]


@pytest.mark.parametrize("key", [b"k" * 32, b"a-key-longer-than-one-sha256-block-" * 3], ids=["short", "long"])
def test_the_sql_hmac_is_the_standard_hmac_sha256(key):
    expected = hmac.new(key, b"999900006", hashlib.sha256).hexdigest()
    assert pseudonym(key, " 999900006 ") == expected
    assert sql(pseudonym_sql(key, "v"), "999900006") == expected
    assert sql(pseudonym_sql(key, "v"), None) is None


def test_a_pseudonym_depends_on_the_key():
    assert pseudonym(b"a" * 32, "999900006") != pseudonym(b"b" * 32, "999900006")


def test_the_key_file_is_generated_once_with_mode_0600(tmp_path):
    path = tmp_path / "secrets" / "pseudonym.key"
    first = load_key(path)
    assert len(first) == 64 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_key(path) == first


def test_the_configured_key_wins_and_must_be_long_enough(tmp_path):
    settings = Settings.from_env({"SBM_HOME": str(tmp_path), "SBM_PSEUDONYM_KEY": "x" * 40})
    assert load_key(tmp_path / "unused.key", settings.pseudonym_key) == b"x" * 40
    assert not (tmp_path / "unused.key").exists()
    with pytest.raises(PseudonymKeyError, match=KEY_ENV):
        load_key(tmp_path / "unused.key", "short")
    assert "x" * 40 not in repr(settings)  # the key never shows up in logs of the settings


@pytest.mark.parametrize(
    ("bsn", "valid"),
    [
        # 9*9 + 8*9 + 7*9 + 6*9 + 5*0 + 4*0 + 3*0 + 2*0 - 6 = 264 = 24 * 11
        ("999900006", True),
        # 9*9 + 8*9 + 7*9 + 6*9 + 2*1 - 8 = 264
        ("999900018", True),
        ("999900007", False),
        ("99990000", False),
        ("99990000X", False),
    ],
)
def test_the_eleven_test_in_python_and_sql_agree(bsn, valid):
    assert is_valid_bsn(bsn) is valid
    assert sql(bsn_check_sql("v"), bsn) is valid


def test_the_warehouse_scan_finds_a_bsn_anywhere_but_not_inside_a_pseudonym_or_a_decimal(words_in):
    # the scan behind the "no BSN in any database" tests must see a BSN in text, lists and maps, and must not
    # report a 9-digit run inside a pseudonym (hex) or a decimal, which would make those tests fail by chance
    hashed = "ab" + "901185711" + "c" * 53
    with duckdb.connect() as con:
        con.execute(
            "CREATE TABLE t AS SELECT 'bsn:901185711' AS note, ['x', '123456782'] AS list, MAP {'k': 'Visser'} AS m, "
            f"'{hashed}' AS pseudoniem, 1901185711.5 AS amount"
        )
        assert words_in(con, ["901185711", "123456782", "Visser"]) == [
            ("main.t", "list", "123456782"),
            ("main.t", "m", "Visser"),
            ("main.t", "note", "901185711"),
        ]
