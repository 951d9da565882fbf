{#-
    The rows of the latest load of each replace_scope (the period a gemeente file speaks for, set per source in
    pipelines/sources/mappings/<source>.yaml): a corrected file for the same period replaces the earlier one,
    a message delivered twice counts once. raw keeps every load; only staging chooses.
    Order: loaded_at, then the file's sha256 (only to make a tie deterministic). The latest file per scope is
    found by aggregating (one row per scope), then joined back: no window over all of raw.
    `scope`: the scope as an expression over the table's columns, for a source whose mapping has narrowed its
    scope since earlier loads were recorded (the intake compares deliveries with the same expression:
    find_replacements in load.py).

    In an incremental model (unique_key: the scope, strategy delete+insert) only the loads newer than the newest
    one the model holds are read: raw is append-only and a new load is the latest of its scopes, so its rows
    replace those scopes' rows and nothing else is touched. A full refresh reads every load.
-#}
{% macro latest_load_per_scope(relation, scope='replace_scope') %}
    {%- if this is not none and is_incremental() -%}  {#- this: none in a unit test of a view #}
        {%- set new = "loaded_at > (select coalesce(max(loaded_at), '-infinity'::timestamptz) from " ~ this ~ ")" -%}
    {%- else -%}
        {%- set new = "true" -%}
    {%- endif %}
    select loads.*
    from {{ relation }} as loads
    inner join (
        select {{ scope }} as latest_scope, arg_max(file_sha256, struct_pack(t := loaded_at, s := file_sha256)) as latest_sha256
        from {{ relation }}
        where {{ new }}
        group by all
    ) as latest
        -- `scope` names only columns of loads: latest's columns have names of their own
        on latest.latest_scope = ({{ scope }})
        and latest.latest_sha256 = loads.file_sha256
    where {{ new }}  -- the same condition again, so the scan skips the old loads' row groups
{% endmacro %}
