{#-
    The rows of the latest load of each replace_scope (the period a gemeente file speaks for, set per source in
    pipelines/sources/mappings/<source>.yaml): a corrected file for the same period replaces the earlier one,
    a message delivered twice counts once. raw keeps every load; only staging chooses.
    Order: loaded_at, then the file's sha256 (only to make a tie deterministic). `scope`: the scope as an
    expression over the table's columns, for a source whose mapping has narrowed its scope since earlier loads
    were recorded (the intake compares deliveries with the same expression: find_replacements in load.py).
-#}
{% macro latest_load_per_scope(relation, scope='replace_scope') %}
    select *
    from {{ relation }}
    qualify file_sha256 = arg_max(file_sha256, struct_pack(t := loaded_at, s := file_sha256))
        over (partition by {{ scope }})
{% endmacro %}
