"""Superset configuration for the sociale basis monitor.

Loaded by Superset (in .venv-superset) through ``SUPERSET_CONFIG_PATH``; it therefore imports nothing from the
pipeline, only its siblings ``superset_guard.py`` and ``superset_l10n.py``. Every value can be reasoned about from
this file and the environment the launcher (``dashboards.superset_state.superset_env``) gives every Superset
process, from the pipeline's settings:

- ``SUPERSET_SECRET_KEY`` (required; ``dashboards.superset_state`` generates one into the credentials file),
- ``SBM_SUPERSET_HOME`` (required: the state folder),
- ``SBM_SUPERSET_PORT`` (set for the web server; only used to build links Superset renders for itself),
- ``SBM_BASEMAP_URL`` (unset: maps without a background map, which works offline; see "Maps" below).
"""

import base64
import importlib.util
import os
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from superset.constants import CHANGE_ME_SECRET_KEY


def _load_sibling(name: str):  # noqa: ANN202 - a module object
    """A module next to this file (Superset loads this file by path, so its folder is not on sys.path)."""
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(f"{name}.py"))
    module = sys.modules[name] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


if not os.environ.get("SBM_SUPERSET_HOME"):
    raise RuntimeError("SBM_SUPERSET_HOME is not set: start Superset with `make serve` (python -m pipelines serve)")
STATE_DIR = Path(os.environ["SBM_SUPERSET_HOME"]).expanduser().resolve()

# Left at Superset's placeholder when unset: Superset then refuses to start, which is what we want.
SECRET_KEY = os.environ.get("SUPERSET_SECRET_KEY") or CHANGE_ME_SECRET_KEY

# Metadata (users, dashboards, query history) in SQLite inside the state folder: the embedded default.
SQLALCHEMY_DATABASE_URI = f"sqlite:///{STATE_DIR / 'superset.db'}?check_same_thread=false"
# Two gunicorn workers share the file; wait for a lock instead of failing with "database is locked".
SQLALCHEMY_ENGINE_OPTIONS = {"connect_args": {"timeout": 30}}

APP_NAME = "Sociale basis monitor"
_HERE = Path(__file__).resolve().parent


def _data_uri(path: Path) -> str:
    """A small image inlined, so the page needs no route of ours and the CSP (img-src data:) allows it."""
    return "data:image/svg+xml;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


# Roles, users and row-level security are provisioned through the security REST API (dashboards/security.py).
FAB_ADD_SECURITY_API = True
# What roles alone do not close (dashboards/superset_guard.py): viewers without Explore get only the saved charts of
# their dashboards (no raw rows, SQL or own queries through the chart-data API); SQL Lab runs read-only statements
# without the DuckDB functions that show server paths; failed logins are throttled with a Dutch message.
_guard = _load_sibling("superset_guard")
CUSTOM_SECURITY_MANAGER = _guard.MonitorSecurityManager
# Superset's Dutch pack with corrections (dashboards/l10n/nl.yaml), served to every page including the login page,
# which Superset 6.1 leaves in English (dashboards/superset_l10n.py says why).
_l10n = _load_sibling("superset_l10n")


def _install(app: Any) -> None:
    """Superset's one FLASK_APP_MUTATOR: the guards, then the language packs."""
    _guard.install(app)
    _l10n.install(app)


FLASK_APP_MUTATOR = _install

# Login throttling with Flask-Limiter (Superset's own rate limiting, off unless enabled). Only logins are limited:
# no application-wide limit. Failed logins count (a wrong password, an unknown user): per address and user name
# (a lockout of that account from that address) and per address (trying many names); over a limit every login is
# refused with HTTP 429, also with the right password, until the window has moved on. AUTH_RATE_LIMIT is Flask-
# AppBuilder's limit on every POST to the form login per address (a flood guard). Counters live in each gunicorn
# worker's memory (2 workers: up to twice the limit); with more hosts set RATELIMIT_STORAGE_URI to Redis.
RATELIMIT_ENABLED = True
RATELIMIT_APPLICATION = None
RATELIMIT_STRATEGY = "moving-window"
RATELIMIT_STORAGE_URI = "memory://"
AUTH_RATE_LIMITED = True
AUTH_RATE_LIMIT = "30 per minute"
SBM_LOGIN_FAILURES_PER_USER = "5 per 5 minutes"
SBM_LOGIN_FAILURES_PER_ADDRESS = "20 per 5 minutes"
# Row-level security also in SQL Lab: an analyst limited to some gemeenten must not see the others there either.
FEATURE_FLAGS = {"RLS_IN_SQLLAB": True}

# Dutch UI for Dutch municipal staff; English stays selectable. (Superset's default LANGUAGES = {} disables i18n.)
BABEL_DEFAULT_LOCALE = "nl"
LANGUAGES = {
    "nl": {"flag": "nl", "name": "Nederlands"},
    "en": {"flag": "us", "name": "English"},
}
# The product's name and logo in the header and window titles instead of Superset's; one light theme (no dark-mode
# switch in the header). The tokens are Superset 6.1's THEME_DEFAULT with the brand replaced.
_LOGO = _data_uri(_HERE / "static" / "logo.svg")
FAVICONS = [{"href": _LOGO}]
THEME_DEFAULT = {
    "token": {
        "brandAppName": APP_NAME,
        "brandLogoAlt": APP_NAME,
        "brandLogoUrl": _LOGO,
        "brandLogoMargin": "14px 0",
        "brandLogoHref": "/dashboard/list/",
        "brandLogoHeight": "28px",
        "brandSpinnerUrl": None,
        "brandSpinnerSvg": None,
        "colorPrimary": "#1f5fa8",
        "colorLink": "#1f5fa8",
        "colorError": "#e04355",
        "colorWarning": "#fcc700",
        "colorSuccess": "#5ac189",
        "colorInfo": "#66bcfe",
        "fontUrls": [],
        "fontFamily": "Inter, Helvetica, Arial, sans-serif",
        "fontFamilyCode": "'IBM Plex Mono', 'Courier New', monospace",
        "transitionTiming": 0.3,
        "brandIconMaxWidth": 37,
        "fontSizeXS": "8",
        "fontSizeXXL": "28",
        "fontWeightNormal": "400",
        "fontWeightLight": "300",
        "fontWeightStrong": "500",
        "fontWeightBold": "700",
        "colorEditorSelection": "#fff5cf",
    },
    "algorithm": "default",
    # Merged into every ECharts chart's options (Superset 6.1 has no chart control for these):
    # - no "Alle / Omgekeerd" buttons in legends: they crowd the series names out of a legend line and get cut off;
    # - chart text in a system font: ECharts measures (and caches) label widths before a web font has loaded, and
    #   then cuts off the first letters of long axis labels that it draws in the wider web font.
    "echartsOptionsOverrides": {
        "legend": {"selector": False},
        "textStyle": {"fontFamily": "Helvetica, Arial, sans-serif"},
    },
}
THEME_DARK = None

# Diverging colour scales whose ends mean something: red = ongunstig, white = as the peers, blue = gunstig
# (ColorBrewer RdBu, readable with the common colour-vision deficiencies). Used by the heatmaps of the spec.
EXTRA_SEQUENTIAL_COLOR_SCHEMES = [
    {
        "id": "ongunstig_gunstig",
        "label": "ongunstig → gunstig",
        "isDiverging": True,
        "colors": ["#b2182b", "#ef8a62", "#fddbc7", "#f7f7f7", "#d1e5f0", "#67a9cf", "#2166ac"],
    },
]
# Dutch number and date notation in every chart: 1.234,5 and "€ 12,50"; d3's nl-NL locale.
D3_FORMAT = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["€ ", ""]}
D3_TIME_FORMAT = {
    "dateTime": "%a %e %B %Y %X",
    "date": "%d-%m-%Y",
    "time": "%H:%M:%S",
    "periods": ["AM", "PM"],
    "days": ["zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"],
    "shortDays": ["zo", "ma", "di", "wo", "do", "vr", "za"],
    "months": [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ],
    "shortMonths": ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
}
CURRENCIES = ["EUR"]

# No example data: dashboards come only from the installation's build (provisioned over the REST API), and the
# welcome page lists those instead of an "examples" tab.
WELCOME_PAGE_LAST_TAB = "all"

# Caches on disk in the state folder, shared by the gunicorn workers. Chart data expire after 10 minutes because
# the pipeline swaps serving.duckdb without telling Superset; a forced refresh on the dashboard is always fresh.
_CACHE_DIR = str(STATE_DIR / "cache")
CACHE_CONFIG = {
    "CACHE_TYPE": "FileSystemCache",
    "CACHE_DIR": _CACHE_DIR,
    "CACHE_KEY_PREFIX": "sbm_meta_",
    "CACHE_DEFAULT_TIMEOUT": int(timedelta(minutes=10).total_seconds()),
}
DATA_CACHE_CONFIG = {**CACHE_CONFIG, "CACHE_KEY_PREFIX": "sbm_data_"}

# Indicators per wijk are small (all Dutch wijken x years is ~40k rows); tighter limits keep a careless SQL Lab
# query or table chart from loading a whole mart into the browser.
ROW_LIMIT = 10_000
SAMPLES_ROW_LIMIT = 1_000
SQL_MAX_ROW = 10_000
DISPLAY_MAX_ROW = 5_000
SQLLAB_TIMEOUT = 60
SUPERSET_WEBSERVER_TIMEOUT = 60

# No cross-origin API clients (nothing embeds these dashboards), and links Superset renders for itself (reports, if
# ever enabled) point at the loopback address the launcher binds to by default.
ENABLE_CORS = False
if os.environ.get("SBM_SUPERSET_PORT"):  # set for the web server, not for CLI steps
    WEBDRIVER_BASEURL = f"http://127.0.0.1:{os.environ['SBM_SUPERSET_PORT']}/"
    WEBDRIVER_BASEURL_USER_FRIENDLY = WEBDRIVER_BASEURL

# Maps (deck.gl) draw the wijken on their own, without a background map: nothing to fetch, so they work offline.
# SBM_BASEMAP_URL (a tile URL with {z}/{x}/{y}, e.g. PDOK's BRT-Achtergrondkaart grijs
# https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/grijs/EPSG:3857/{z}/{x}/{y}.png) adds one: provisioning
# puts it in every map chart, and its host is allowed by the Content Security Policy below.
BASEMAP_URL = os.environ.get("SBM_BASEMAP_URL", "").strip()
_BASEMAP_ORIGIN = "{0.scheme}://{0.netloc}".format(urlsplit(BASEMAP_URL)) if BASEMAP_URL else None
DECKGL_BASE_MAP = [["geen", "Geen achtergrondkaart"]] + (
    [[f"tile://{BASEMAP_URL}", "Achtergrondkaart"]] if BASEMAP_URL else []
)

# Content Security Policy without third-party hosts: no map tiles unless SBM_BASEMAP_URL names a tile server (there is
# no internet on site) and no tracking pixel (Superset's menu bar embeds a scarf.sh image that would phone home from a
# municipal network).
TALISMAN_CONFIG = {
    "content_security_policy": {
        "base-uri": ["'self'"],
        "default-src": ["'self'"],
        "img-src": ["'self'", "blob:", "data:", *([_BASEMAP_ORIGIN] if _BASEMAP_ORIGIN else [])],
        "worker-src": ["'self'", "blob:"],
        "connect-src": ["'self'", *([_BASEMAP_ORIGIN] if _BASEMAP_ORIGIN else [])],
        "object-src": "'none'",
        "style-src": ["'self'", "'unsafe-inline'"],
        "font-src": ["'self'", "data:"],
        "script-src": ["'self'", "'strict-dynamic'"],
    },
    "content_security_policy_nonce_in": ["script-src"],
    "force_https": False,
    "session_cookie_secure": False,
}
