-- One row per allocation (toewijzing) with what the provider reported about it: the allocation as the gemeente
-- last sent it (a changed allocation is a new 301 with the same toewijzing_nummer; the latest dagtekening wins,
-- with the latest postcode it had), the date it was first sent (eerste_dagtekening), and the start of care (305)
-- and the stop (307) reported for it.
--
-- The rule where allocation and reports disagree: what the provider reports happened wins over what the gemeente
-- allowed. begindatum is the reported start (the earliest 305), else the allocation's ingangsdatum; einddatum is
-- the reported stop (the latest 307) when it is not before begindatum, else the allocation's einddatum (NULL:
-- open-ended). `afwijking` names a report that lies outside the allocation (kept, for the data team to check).
-- Reports are matched on gemeente, wet and toewijzing_nummer; an allocation without a number stands alone.
--
-- Incremental: a build recomputes the allocations a load since the last build touched (macro
-- touched_allocations: the allocations and reports on the loads' rows and on the rows those loads replaced) and
-- nothing else. That key is sufficient: an allocation's row is computed from its own versions (301, same key)
-- and the reports on its number (305, 307, same gemeente, wet and number) only, so a load that touches none of
-- them cannot change it. An allocation whose every version left staging is deleted and not computed again.
{{ config(
    materialized='incremental', incremental_strategy='append', on_schema_change='fail',
    pre_hook="{{ replace_touched({'herberekende_toewijzingen': touched_allocations()},
                                 '(gemeente_code, wet, toewijzing_sleutel) in (from herberekende_toewijzingen)') }}"
) }}

with allocations as (
    select
        *,
        {{ toewijzing_sleutel('ingangsdatum') }} as toewijzing_sleutel
    from {{ ref('stg_zorg__toewijzingen') }}
),

touched as (
    select * from allocations
    {% if is_incremental() -%}
    where (gemeente_code, wet, toewijzing_sleutel) in (from herberekende_toewijzingen)
    {%- endif %}
),

latest_version as (
    -- arg_max_null: the latest version's value even where it is NULL (an open end stays open)
    select
        gemeente_code, wet, toewijzing_sleutel,
        arg_max_null(client_id, versie)                                             as client_id,
        arg_max_null(product_categorie, versie)                                     as product_categorie,
        arg_max_null(product_code, versie)                                          as product_code,
        arg_max_null(aanbieder, versie)                                             as aanbieder,
        arg_max_null(ingangsdatum, versie)                                          as ingangsdatum,
        arg_max_null(einddatum, versie)                                             as toewijzing_einddatum,
        arg_max(postcode, versie)                                                   as postcode,
        min(dagtekening)                                                            as eerste_dagtekening,
        max(dagtekening)                                                            as laatste_dagtekening,
        count(*)                                                                    as versies,
        bool_or(is_synthetisch)                                                     as is_synthetisch,
        max(loaded_at)                                                              as loaded_at
    from (
        select *, struct_pack(d := dagtekening, f := source_file, r := source_row) as versie from touched
    )
    group by gemeente_code, wet, toewijzing_sleutel
),

reports as (
    select
        gemeente_code, wet, toewijzing_nummer as toewijzing_sleutel,
        min(begindatum) filter (where melding = 'start')  as startbericht_datum,
        max(einddatum) filter (where melding = 'stop')    as stopbericht_datum,
        max(loaded_at)                                    as loaded_at
    from {{ ref('stg_zorg__start_stop_meldingen') }}
    where toewijzing_nummer is not null
    {% if is_incremental() -%}
        and (gemeente_code, wet, toewijzing_nummer) in (from herberekende_toewijzingen)
    {%- endif %}
    group by all
),

resolved as (
    select
        latest_version.* exclude (loaded_at),
        greatest(latest_version.loaded_at, reports.loaded_at) as loaded_at,
        reports.startbericht_datum,
        reports.stopbericht_datum,
        coalesce(reports.startbericht_datum, latest_version.ingangsdatum) as begindatum
    from latest_version
    left join reports using (gemeente_code, wet, toewijzing_sleutel)
)

select
    gemeente_code,
    wet,
    toewijzing_sleutel,
    client_id,
    product_categorie,
    product_code,
    aanbieder,
    postcode,
    ingangsdatum,
    toewijzing_einddatum,
    eerste_dagtekening,
    laatste_dagtekening,
    versies,
    startbericht_datum,
    stopbericht_datum,
    begindatum,
    case when stopbericht_datum >= begindatum then stopbericht_datum else toewijzing_einddatum end as einddatum,
    case when startbericht_datum is null then 'toewijzing' else 'startbericht' end               as begin_bron,
    case
        when stopbericht_datum >= begindatum then 'stopbericht'
        when toewijzing_einddatum is not null then 'toewijzing'
    end                                                                                          as eind_bron,
    case
        when stopbericht_datum < begindatum then 'stop voor start'
        when startbericht_datum < ingangsdatum then 'start voor ingangsdatum'
        when stopbericht_datum > toewijzing_einddatum then 'stop na einddatum'
    end                                                                                          as afwijking,
    is_synthetisch,
    loaded_at
from resolved
