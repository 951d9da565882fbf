"""The corrections to Superset's Dutch language pack (dashboards/l10n/nl.yaml), against the pack Superset ships."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dashboards.superset_l10n import CORRECTIONS_DIR, corrected_pack, load_corrections
from dashboards.superset_state import SUPERSET_BIN

SHIPPED = next(
    SUPERSET_BIN.parent.glob("lib/python*/site-packages/superset/translations/nl/LC_MESSAGES/messages.json"), None
)


@pytest.fixture(scope="module")
def shipped() -> dict:
    if SHIPPED is None:
        pytest.fail("Superset's Dutch language pack not found; create .venv-superset with `make setup`")
    return json.loads(SHIPPED.read_text(encoding="utf-8"))


def test_every_correction_is_a_message_superset_has_with_its_plural(shipped: dict) -> None:
    messages = shipped["locale_data"]["superset"]
    for msgid, forms in load_corrections(CORRECTIONS_DIR / "nl.yaml").items():
        assert msgid in messages, f"{msgid!r} is not a message of Superset 6.1 (misspelt, or gone in this release?)"
        assert len(forms) == len(messages[msgid]) or len(messages[msgid]) == 1 and not messages[msgid][0], msgid


def test_the_corrected_pack_fixes_what_a_reader_sees(shipped: dict) -> None:
    messages = corrected_pack(shipped, load_corrections(CORRECTIONS_DIR / "nl.yaml"))["locale_data"]["superset"]
    # shipped: "Niet in", untranslated, an English plural, a panel title that is not what the panel holds
    assert shipped["locale_data"]["superset"]["Sign in"] == ["Niet in"]
    assert messages["Sign in"] == ["Inloggen"]
    assert messages["Enter your login and password below:"] == ["Vul hieronder uw gebruikersnaam en wachtwoord in"]
    assert messages["%s option"] == ["%s optie", "%s opties"]
    assert messages["Filters and controls"] == ["Filters"]
    assert messages["N/A"] == ["–"]
    # everything else is Superset's own translation, and the header keeps its plural rule
    assert messages["Apply filters"] == ["Filters toepassen"]
    assert messages[""]["plural_forms"] == "nplurals=2; plural=(n != 1);"


def test_a_correction_without_a_translation_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "nl.yaml"
    path.write_text("Sign in: ''\n", encoding="utf-8")
    with pytest.raises(ValueError, match="Sign in"):
        load_corrections(path)
