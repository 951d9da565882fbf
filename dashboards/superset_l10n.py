"""Dutch for every page of Superset, the login page included: Superset's own Dutch language pack, corrected.

Loaded by ``superset_config.py`` (in .venv-superset), so it imports nothing from the pipeline. Two gaps in
Superset 6.1 make its Dutch incomplete:

- the frontend fetches its language pack from ``/superset/language_pack/<lang>/``, a view that requires a login:
  the login page (an anonymous visitor) falls back to English ("Sign in", "Username:");
- the Dutch pack that ships with Superset has untranslated and wrong entries ("Sign in" → "Niet in", "%s option"
  → plural "%s options", "Filters and controls" → "Extra bediening", "%s record" → "%s Fout").

``install(app)`` answers that one URL itself for every visitor with the shipped pack plus the corrections in
``l10n/nl.yaml`` (a language pack is public text; nothing else changes). English stays selectable.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

CORRECTIONS_DIR = Path(__file__).resolve().with_name("l10n")
DOMAIN = "superset"


def shipped_pack(language: str) -> dict[str, Any]:
    """Superset's own language pack for ``language`` (the file its ``language_pack`` view sends)."""
    import superset  # the Superset environment only

    path = Path(superset.__file__).with_name("translations") / language / "LC_MESSAGES" / "messages.json"
    return json.loads(path.read_text(encoding="utf-8"))


def load_corrections(path: Path) -> dict[str, list[str]]:
    """{msgid: [translation] or [singular, plural]} from a YAML file of ``English: Nederlands`` pairs."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    corrections = {}
    for msgid, text in entries.items():
        forms = [text] if isinstance(text, str) else list(text)
        if not forms or not all(isinstance(form, str) and form for form in forms) or len(forms) > 2:
            raise ValueError(f"{path}: {msgid!r} needs a translation or [singular, plural], got {text!r}")
        corrections[str(msgid)] = forms
    return corrections


def corrected_pack(pack: dict[str, Any], corrections: dict[str, list[str]]) -> dict[str, Any]:
    """The pack with every correction applied (a new dict; the header entry "" is kept)."""
    messages = dict(pack["locale_data"][DOMAIN])
    messages.update(corrections)
    return {**pack, "locale_data": {**pack["locale_data"], DOMAIN: messages}}


def install(app: Any) -> None:
    """Serve the corrected pack of every language that has a corrections file, to every visitor."""
    from flask import jsonify, request

    packs = {
        path.stem: corrected_pack(shipped_pack(path.stem), load_corrections(path))
        for path in sorted(CORRECTIONS_DIR.glob("*.yaml"))
    }
    urls = {f"/superset/language_pack/{language}/": pack for language, pack in packs.items()}

    @app.before_request
    def _language_pack() -> Any:
        if request.method == "GET" and request.path in urls:
            return jsonify(urls[request.path])
        return None
