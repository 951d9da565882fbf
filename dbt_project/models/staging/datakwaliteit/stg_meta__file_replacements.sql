-- One row per load and replace scope that already had rows in staging (meta.file_replacements).
select
    source                                          as bron,
    file_sha256,
    source_file,
    replace_scope                                   as vervangbereik,
    replaced_sha256                                 as vervangen_sha256,
    replaced_file                                   as vervangen_bestand,
    rows_before                                     as rijen_voor,
    rows_after                                      as rijen_na,
    regions_before                                  as regios_voor,
    regions_after                                   as regios_na,
    is_confirmed                                    as is_bevestigd,
    load_id,
    replaced_at                                     as vervangen_op
from {{ source('meta', 'file_replacements') }}
