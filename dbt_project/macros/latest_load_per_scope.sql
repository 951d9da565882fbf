{#-
    The rows of the latest load of each replace_scope (the period a gemeente file speaks for, set per source in
    pipelines/sources/mappings/<source>.yaml): a corrected file for the same period replaces the earlier one,
    a message delivered twice counts once. raw keeps every load; only staging chooses.
    Order: loaded_at, then the file's sha256 (only to make a tie deterministic). The latest file per scope is
    found by aggregating (one row per scope), then joined back: no window over all of raw.

    In an incremental model (unique_key: the scope, strategy delete+insert) only the loads newer than the newest
    one the model holds are read: raw is append-only and a new load is the latest of its scopes, so its rows
    replace those scopes' rows and nothing else is touched. A full refresh reads every load.
-#}
{% macro latest_load_per_scope(relation) %}
    {%- if this is not none and is_incremental() -%}  {#- this: none in a unit test of a view #}
        {%- set new = "loaded_at > (select coalesce(max(loaded_at), '-infinity'::timestamptz) from " ~ this ~ ")" -%}
    {%- else -%}
        {%- set new = "true" -%}
    {%- endif %}
    select loads.*
    from {{ relation }} as loads
    inner join (
        select replace_scope, arg_max(file_sha256, struct_pack(t := loaded_at, s := file_sha256)) as file_sha256
        from {{ relation }}
        where {{ new }}
        group by replace_scope
    ) as latest
        on latest.replace_scope = loads.replace_scope
        and latest.file_sha256 = loads.file_sha256
    where {{ new }}  -- the same condition again, so the scan skips the old loads' row groups
{% endmacro %}
