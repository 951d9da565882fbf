{#- Where a staged row of a gemeente file came from: the same columns in every staging model of those sources
    (file and row in the delivered file, its sha256, the load and whether the file was synthetic demo data). -#}
{% macro file_provenance() %}
    is_synthetic as is_synthetisch,
    source_file,
    source_sheet,
    source_row,
    file_sha256,
    load_id,
    loaded_at
{%- endmacro %}
