{#-
    What a new load of care data touches, for the incremental models after care staging (int_zorgtoewijzingen,
    int_zorgperiodes, int_zorgkosten_per_client_jaar, int_zorgclienten_postcodes_per_jaar, int_zorgclienten_per_jaar).

    Each of them recomputes whole keys (an allocation, a client of a gemeente, or a client's year) from the staging
    tables: every key a load since the model's last build touched. A load touches the keys on its own rows and on
    the rows it replaced: raw keeps every load, and staging keeps per scope (message) only the latest
    (latest_load_per_scope), so "the rows of every load of a scope that was loaded again" are the new rows and
    the ones that left staging. A key that only left (a corrected file without that allocation) is recomputed to
    nothing: its rows are deleted. The keys are as narrow as the model's rows allow: a half year of invoices
    touches the costs of that half year's years, not every year of every client in care.

    The model's watermark is the newest loaded_at among its own rows; each row carries the newest loaded_at of
    the staged rows it was computed from, the same in an incremental and a full build. No row can be newer than
    the loads the model had seen, so every newer load is processed; one the model had seen but that left no row
    newer than the watermark is processed again, which recomputes the same rows.
-#}

{%- macro zorg_watermark() -%}
    (select coalesce(max(loaded_at), '-infinity'::timestamptz) from {{ this }})
{%- endmacro %}

{#- The raw rows of every scope loaded after the model's watermark (DuckDB variable zorg_watermark, which
    replace_touched sets): the new rows, and the rows of earlier loads they replaced (and earlier replaced ones
    too: a superset, recomputed to the same rows); the columns the macros below read them by. replace_touched
    names them as temp view gewijzigde_zorgregels: a view, not a copy, so each key query reads only the columns
    and message types it needs. At 50M invoice lines, a half year's 3.1M rows: the copy took 1.7-1.8 s per model;
    the allocation and postcode keys take 0.5 and 0.9 s through the view, against 0.1 and 0.2 s from the copy. #}
{% macro changed_care_rows() %}
    select
        gemeente_code, wet, berichttype, client_id, toewijzing_nummer, product_categorie, dagtekening, begindatum,
        aanbieder, declaratie_nummer, referentie_nummer
    from {{ source('raw', 'zorg') }}
    where replace_scope in (select replace_scope from {{ source('raw', 'zorg') }} where loaded_at > getvariable('zorg_watermark'))
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

{#- A year as part of a key: a row without the date (begindatum is optional) has year 0, so that it matches. #}
{% macro jaar_sleutel(date_column) -%}
    coalesce(year({{ date_column }}), 0)
{%- endmacro %}

{#- Clients whose care periods the changed rows touch, per gemeente: the client of every version of each
    allocation they touch (a start or stop report changes the periods of its allocation's client, whatever client
    the report names; a new version may name another client than the one before), and the clients on changed
    allocations (one whose every version left staging). Requests and invoices do not make periods. #}
{% macro touched_period_clients(changed='gewijzigde_zorgregels') %}
    select distinct gemeente_code, client_id from {{ changed }} where berichttype = '301' and client_id is not null
    union
    select versions.gemeente_code, versions.client_id
    from {{ ref('stg_zorg__toewijzingen') }} as versions
    inner join ({{ touched_allocations(changed) }}) as touched
        on touched.gemeente_code = versions.gemeente_code
        and touched.wet = versions.wet
        and touched.toewijzing_sleutel = {{ toewijzing_sleutel('versions.ingangsdatum') }}
    where versions.client_id is not null
{% endmacro %}

{#- Client-years whose invoiced care the changed rows touch (gemeente_code, client_id, jaar: the year an invoice
    line begins in, macro jaar_sleutel): those of the changed invoice lines, and of each staged invoice line a
    changed rejection (325) matches (as int_zorgkosten_per_client_jaar matches them). #}
{% macro touched_invoice_years(changed='gewijzigde_zorgregels') %}
    select distinct gemeente_code, client_id, {{ jaar_sleutel('begindatum') }} as jaar
    from {{ changed }}
    where berichttype = '323' and client_id is not null
    union
    select lines.gemeente_code, lines.client_id, {{ jaar_sleutel('lines.begindatum') }}
    from {{ ref('stg_zorg__declaratieregels') }} as lines
    inner join {{ changed }} as rejected
        on rejected.berichttype = '325'
        and rejected.gemeente_code = lines.gemeente_code
        and rejected.aanbieder = lines.aanbieder
        and rejected.declaratie_nummer = lines.declaratie_nummer
        and rejected.referentie_nummer = lines.referentie_nummer
    where lines.client_id is not null
{% endmacro %}

{#- Client-years whose postcodes the changed rows touch (gemeente_code, client_id, jaar): the year each changed
    row is dated in, and the year it begins in (int_zorgclienten_postcodes_per_jaar has a row for both). #}
{% macro touched_postcode_years(changed='gewijzigde_zorgregels') %}
    select gemeente_code, client_id, year(dagtekening) as jaar from {{ changed }} where client_id is not null
    union
    select gemeente_code, client_id, year(begindatum)
    from {{ changed }}
    where client_id is not null and begindatum is not null
{% endmacro %}

{#- For int_zorgclienten_per_jaar: the stored client-years whose location (wijk_code, wijk_status) is no longer
    the one int_zorgclienten_wijk_per_jaar gives: a client's postcodes, a postcode table or the coverage moved it.
    Compared, not derived from the changed rows, so that every cause is caught. #}
{% macro moved_client_years() %}
    select distinct stored.gemeente_code, stored.client_id, stored.jaar
    from {{ this }} as stored
    left join {{ ref('int_zorgclienten_wijk_per_jaar') }} as location
        on location.gemeente_code = stored.gemeente_code
        and location.client_id = stored.client_id
        and location.jaar = stored.jaar
    where stored.wijk_code is distinct from location.wijk_code
        or stored.wijk_status is distinct from location.wijk_status
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

{#- pre_hook of such a model, after replace_touched: the first day of the earliest year among the keys the build
    recomputes (temp table `keys`, column jaar; year 0, a row without the date, left out), as DuckDB variable
    `name`. The model's filter on its lines' dates then skips the lines of older years before the joins on the
    keys, and on one column whole storage blocks (DuckDB keeps each block's lowest and highest date, and staging
    holds the lines in load order): at 10M invoice lines the costs' query of an increment took 0.8 s instead of
    1.3-1.8 s, the postcodes' 0.45 s instead of 1.0 s. The filter follows from the keys (a line of a recomputed
    year is dated on or after that day), so it selects the same lines. -#}
{% macro set_first_recomputed_day(name, keys) %}
    {%- if is_incremental() -%}
        set variable {{ name }} = (select make_date(min(jaar), 1, 1) from {{ keys }} where jaar > 0)
    {%- endif -%}
{% endmacro %}

{#- pre_hook of such a model: in an incremental build, name the changed rows (temp view gewijzigde_zorgregels), keep
    the keys this build recomputes (`keys`: temp table name -> query, run before anything is deleted), then
    delete the model's rows that `condition` (over the model's rows and those tables) matches; the model then
    appends what it computes for those keys. In a full build it does nothing. #}
{% macro replace_touched(keys, condition) %}
    {%- if is_incremental() -%}
        -- the watermark as a constant: DuckDB then reads only raw's blocks loaded after it (raw only grows, so
        -- loaded_at rises block by block); at 50M invoice lines the changed rows took 1.6 s instead of 3.1 s
        set variable zorg_watermark = {{ zorg_watermark() }};
        create or replace temp view gewijzigde_zorgregels as {{ changed_care_rows() }};
        {% for name, query in keys.items() -%}
            create or replace temp table {{ name }} as {{ query }};
        {% endfor -%}
        delete from {{ this }} where {{ condition }}
    {%- endif -%}
{% endmacro %}
