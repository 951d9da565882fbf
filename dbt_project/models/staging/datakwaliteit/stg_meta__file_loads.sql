-- One row per delivered gemeente file and attempt (meta.file_loads), as loaded.
select
    source                  as bron,
    file_sha256,
    source_file,
    gemeente_code,
    format                  as formaat,
    status,
    error                   as foutmelding,
    rows_in_file            as rijen_in_bestand,
    rows_loaded             as rijen_geladen,
    rows_quarantined        as rijen_in_quarantaine,
    blank_rows              as lege_rijen,
    quarantine_reasons      as quarantaine_per_reden,
    warnings                as waarschuwingen,
    load_id,
    started_at              as gestart_op,
    finished_at             as klaar_op,
    is_synthetic            as is_synthetisch
from {{ source('meta', 'file_loads') }}
