{#-
    What a new load of care data touches, for the incremental models after care staging (int_zorgtoewijzingen,
    int_zorgperiodes, int_zorgkosten_per_client_jaar, int_zorgclienten_wijk_per_jaar, int_zorgclienten_per_jaar).

    Each of them recomputes whole keys (an allocation, or a client of a gemeente) from the staging tables: every
    key a load since the model's last build touched. A load touches the keys on its own rows and on the rows it
    replaced: raw keeps every load, and staging keeps per scope (message) only the latest
    (latest_load_per_scope), so "the rows of every load of a scope that was loaded again" are the new rows and
    the ones that left staging. A key that only left (a corrected file without that allocation) is recomputed to
    nothing: its rows are deleted.

    The model's watermark is the newest loaded_at among its own rows; each row carries the newest loaded_at of
    the staged rows it was computed from, the same in an incremental and a full build. No row can be newer than
    the loads the model had seen, so every newer load is processed; one the model had seen but that left no row
    newer than the watermark is processed again, which recomputes the same rows.
-#}

{%- macro zorg_watermark() -%}
    (select coalesce(max(loaded_at), '-infinity'::timestamptz) from {{ this }})
{%- endmacro %}

{#- The raw rows of every scope loaded after the model's watermark: the new rows, and the rows of earlier loads
    they replaced (and earlier replaced ones too: a superset, recomputed to the same rows); the columns the macros
    below read them by. replace_touched keeps them as temp table gewijzigde_zorgregels. #}
{% macro changed_care_rows() %}
    select
        gemeente_code, wet, berichttype, client_id, toewijzing_nummer, product_categorie, begindatum, aanbieder,
        declaratie_nummer, referentie_nummer
    from {{ source('raw', 'zorg') }}
    where replace_scope in (select replace_scope from {{ source('raw', 'zorg') }} where loaded_at > {{ zorg_watermark() }})
{% endmacro %}

{#- The key of an allocation: its number, or for one without a number the client, category and start. #}
{% macro toewijzing_sleutel(begin_column) -%}
    coalesce(
        toewijzing_nummer,
        'zonder nummer:' || client_id || ':' || coalesce(product_categorie, '') || ':' || coalesce({{ begin_column }}::varchar, '')
    )
{%- endmacro %}

{#- Allocations the changed rows touch: allocations (301) and the start and stop reports (305, 307) on them. #}
{% macro touched_allocations(changed='gewijzigde_zorgregels') %}
    select distinct gemeente_code, wet, {{ toewijzing_sleutel('begindatum') }} as toewijzing_sleutel
    from {{ changed }}
    where berichttype in ('301', '305', '307')
{% endmacro %}

{#- Clients on the changed rows, per gemeente. #}
{% macro clients_of_changed_rows(changed='gewijzigde_zorgregels') %}
    select distinct gemeente_code, client_id from {{ changed }} where client_id is not null
{% endmacro %}

{#- Clients the changed rows touch, per gemeente: the clients on them, and the clients of every version of each
    allocation they touch (a start or stop report changes the periods of its allocation's client, whatever client
    the report names; a new version may name another client than the one before). #}
{% macro touched_care_clients(changed='gewijzigde_zorgregels') %}
    {{ clients_of_changed_rows(changed) }}
    union
    select versions.gemeente_code, versions.client_id
    from {{ ref('stg_zorg__toewijzingen') }} as versions
    inner join ({{ touched_allocations(changed) }}) as touched
        on touched.gemeente_code = versions.gemeente_code
        and touched.wet = versions.wet
        and touched.toewijzing_sleutel = {{ toewijzing_sleutel('versions.ingangsdatum') }}
    where versions.client_id is not null
{% endmacro %}

{#- Clients whose invoiced care the changed rows touch: the clients on them, and the client of each staged invoice
    line a changed rejection (325) matches (as int_zorgkosten_per_client_jaar matches them). #}
{% macro touched_invoice_clients(changed='gewijzigde_zorgregels') %}
    {{ clients_of_changed_rows(changed) }}
    union
    select lines.gemeente_code, lines.client_id
    from {{ ref('stg_zorg__declaratieregels') }} as lines
    inner join {{ changed }} as rejected
        on rejected.berichttype = '325'
        and rejected.gemeente_code = lines.gemeente_code
        and rejected.aanbieder = lines.aanbieder
        and rejected.declaratie_nummer = lines.declaratie_nummer
        and rejected.referentie_nummer = lines.referentie_nummer
    where lines.client_id is not null
{% endmacro %}

{#- For int_zorgclienten_per_jaar: the years recomputed per gemeente and law (gemeente_code, wet, jaar), for each
    with changed rows, stored rows that do not match the new first covered year, or no coverage or no stored rows:
    from the year of the older peildatum on, or every year. See that model's header for why. #}
{% macro coverage_moved_years(changed='gewijzigde_zorgregels') %}
    select gemeente_code, wet, unnest(range(vanaf_jaar, tot_jaar + 1)) as jaar
    from (
        select
            gemeente_code,
            wet,
            case
                when coverage.wet is null or kept.peildatum is null or not coalesce(stored.zelfde_eerste_jaar, false)
                    then least(coverage.eerste_jaar, stored.eerste_jaar)
                else least(year(kept.peildatum), year(coverage.peildatum))
            end                                                  as vanaf_jaar,
            greatest(coverage.laatste_jaar, stored.laatste_jaar) as tot_jaar
        from (
            select gemeente_code, wet from {{ ref('int_zorg_dekking') }}
            union
            select distinct gemeente_code, wet from {{ this }}
        ) as partitions
        left join {{ ref('int_zorg_dekking') }} as coverage using (gemeente_code, wet)
        left join (
            -- the latest date among the rows the model had seen that staging still holds
            select gemeente_code, wet, max(dagtekening) as peildatum
            from {{ ref('stg_zorg__berichtregels') }}
            where loaded_at <= {{ zorg_watermark() }}
            group by all
        ) as kept using (gemeente_code, wet)
        left join (
            -- whether the stored rows were computed with the new eerste_jaar: its rows alone have no is_instroom
            select
                stored.gemeente_code,
                stored.wet,
                min(stored.jaar) as eerste_jaar,
                max(stored.jaar) as laatste_jaar,
                bool_and(coalesce(
                    stored.jaar >= coverage.eerste_jaar
                        and (stored.jaar = coverage.eerste_jaar) = (stored.is_instroom is null),
                    false
                )) as zelfde_eerste_jaar
            from {{ this }} as stored
            left join {{ ref('int_zorg_dekking') }} as coverage using (gemeente_code, wet)
            group by all
        ) as stored using (gemeente_code, wet)
        where (gemeente_code, wet) in (select gemeente_code, wet from {{ changed }})
            or not coalesce(stored.zelfde_eerste_jaar, false)
            or coverage.wet is null
    )
{% endmacro %}

{#- pre_hook of such a model: in an incremental build, keep the changed rows (temp table gewijzigde_zorgregels) and
    the keys this build recomputes (`keys`: temp table name -> query, run before anything is deleted), then
    delete the model's rows that `condition` (over the model's rows and those tables) matches; the model then
    appends what it computes for those keys. In a full build it does nothing. #}
{% macro replace_touched(keys, condition) %}
    {%- if is_incremental() -%}
        create or replace temp table gewijzigde_zorgregels as {{ changed_care_rows() }};
        {% for name, query in keys.items() -%}
            create or replace temp table {{ name }} as {{ query }};
        {% endfor -%}
        delete from {{ this }} where {{ condition }}
    {%- endif -%}
{% endmacro %}
