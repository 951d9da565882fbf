-- One row per delivered gemeente file and attempt (meta.file_loads), as loaded.
select
    source                  as bron,
    file_sha256,
    source_file,
    gemeente_code,
    format,
    status,
    error                   as foutmelding,
    rows_in_file,
    rows_loaded,
    rows_quarantined,
    blank_rows,
    quarantine_reasons,
    warnings,
    load_id,
    started_at,
    finished_at,
    is_synthetic            as is_synthetisch
from {{ source('meta', 'file_loads') }}
