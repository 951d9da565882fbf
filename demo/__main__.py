"""The demo profile into a state folder: ``python -m demo`` (``make demo-data``).

Makes the state folder the demo installation's (a copy of demo/installation.yaml as its installation file, unless
SBM_INSTALLATION names one) and writes the SYNTHETIC source data into it: CBS snapshots, the gemeenten's files in
the inbox, and the pseudonym key. A state folder that belongs to another installation is left alone.
"""

from __future__ import annotations

import logging
import shutil
import sys
from pathlib import Path

from pipelines.config import Settings
from pipelines.installation import InstallationError
from pipelines.state import private_umask

INSTALLATION = Path(__file__).resolve().with_name("installation.yaml")
WIJK_CONVERSION = INSTALLATION.with_name("wijk_omzetting.csv")  # named by the installation file
COPY_MARKER = "# Copied from demo/installation.yaml by `python -m demo`; edit that file, not this copy.\n"

log = logging.getLogger("demo")


def install_profile(settings: Settings) -> Path:
    """The state folder's installation file becomes the demo's (refused when it is another installation's)."""
    target = settings.installation_file
    if target == INSTALLATION:
        return target
    if target.exists() and not target.read_text(encoding="utf-8").startswith(COPY_MARKER):
        raise InstallationError(
            f"{target} is another installation's file; the demo needs a state folder of its own "
            f"(e.g. SBM_HOME={settings.home.parent / 'sbm-demo'})"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(COPY_MARKER + INSTALLATION.read_text(encoding="utf-8"), encoding="utf-8")
    shutil.copyfile(WIJK_CONVERSION, target.with_name(WIJK_CONVERSION.name))
    return target


def write_demo_data(settings: Settings) -> None:
    from demo.cbs import write_cbs_demo
    from demo.gemeente_files import write_gemeente_files
    from pipelines.sources.cbs.registry import load_registry
    from pipelines.sources.cbs.snapshots import SnapshotStore
    from pipelines.sources.privacy import load_key

    store = SnapshotStore(settings.snapshots / "cbs")
    snapshots = write_cbs_demo(store, load_registry())
    log.info("demo data (SYNTHETIC): %d CBS snapshots in %s", len(snapshots), store.root)
    files = write_gemeente_files(settings.inbox)
    load_key(settings.pseudonym_key_file, settings.pseudonym_key)  # the demo's pseudonym key, generated once
    log.info("demo data (SYNTHETIC): %d gemeente files in %s", len(files), settings.inbox)


def main() -> int:
    private_umask()  # the pseudonym key and the inbox's files are the service user's only
    logging.basicConfig(format="%(asctime)s %(name)s: %(message)s", datefmt="%H:%M:%S", level=logging.INFO)
    settings = Settings.from_env()
    try:
        installation = install_profile(settings)
    except InstallationError as error:
        log.error("%s", error)
        return 1
    log.info("installation: %s (the demo profile)", installation)
    write_demo_data(Settings.from_env())
    return 0


if __name__ == "__main__":
    sys.exit(main())
