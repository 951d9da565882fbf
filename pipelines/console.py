"""The terminal's view of a run: one line per event, an error as its cause in one line. The full messages and
stack traces stay in the run's log (Dagster UI, or ``dagster run logs``/the event log in ``DAGSTER_HOME``).

Installed as the Definitions' ``console`` logger, so ``make refresh``, ``intake`` and the daemon's runs print
alike.
"""

from __future__ import annotations

import logging

import dagster as dg

from pipelines.sources.privacy import redact_bsns

FORMAT = "%(asctime)s %(levelname)s %(message)s"


def _cause(error: object) -> str | None:
    """The innermost cause of a serialized error, as 'Type: first line of its message'."""
    while getattr(error, "cause", None) is not None:
        error = error.cause
    message = getattr(error, "message", None)
    return message.strip().splitlines()[0] if message and message.strip() else None


class OneLineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        meta = getattr(record, "dagster_meta", {})
        event = meta.get("dagster_event")
        text = meta.get("orig_message") or record.getMessage()
        line = text.strip().splitlines()[0] if text.strip() else ""
        error = getattr(getattr(event, "event_specific_data", None), "error", None)
        if error is not None and (cause := _cause(error)):
            line = f"{line} {cause} (details in the run's log, run {str(meta.get('run_id'))[:8]})"
        elif "\n" in text.strip():
            line += " ..."
        step = meta.get("step_key")
        record.message = redact_bsns(f"{step}: {line}" if step else line)
        record.asctime = self.formatTime(record, "%H:%M:%S")
        return FORMAT % record.__dict__


@dg.logger(
    config_schema={"log_level": dg.Field(str, is_required=False, default_value="INFO")},
    description="One line per event; errors as their cause (the run's log keeps the details).",
)
def one_line_console(init_context: dg.InitLoggerContext) -> logging.Logger:
    logger = logging.Logger("sbm.run", level=init_context.logger_config["log_level"])
    handler = logging.StreamHandler()
    handler.setFormatter(OneLineFormatter())
    logger.addHandler(handler)
    return logger
