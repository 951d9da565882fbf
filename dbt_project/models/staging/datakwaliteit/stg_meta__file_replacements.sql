-- One row per load and replace scope that already had rows in staging (meta.file_replacements).
select
    source                                          as bron,
    file_sha256,
    source_file,
    replace_scope,
    replaced_sha256,
    replaced_file,
    rows_before,
    rows_after,
    regions_before,
    regions_after,
    is_confirmed,
    load_id,
    replaced_at
from {{ source('meta', 'file_replacements') }}
