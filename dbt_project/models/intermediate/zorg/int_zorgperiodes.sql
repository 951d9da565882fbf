-- Care periods (zorgperiodes): one row per gemeente x uitsplitsing x client x period. An uitsplitsing is a product
-- category of a law (`wmo:01`, `jeugd:45`) or all care of the law (`wmo:totaal`): every allocation counts in its
-- category and in its law's total, so a client moving from one category to another starts a new period in the
-- new category but not in the law.
--
-- Allocations (int_zorgtoewijzingen: dates as reported by start and stop messages where there are any) of one
-- client and uitsplitsing that overlap or follow each other within var zorgperiode_aansluiting_dagen days (1:
-- the next one starts the day after the previous one ends) are one period: a renewed allocation continues care.
-- A period's einddatum is NULL while one of its allocations is open-ended; it may lie after the data's peildatum
-- (int_zorg_dekking): care then still goes on. The period's first allocation gives toewijzing_dagtekening (when
-- the gemeente first sent it) and startbericht_datum (when care started according to the provider).
--
-- Incremental: a build recomputes every period of each client a load since the last build touched (macro
-- touched_period_clients: the client of every allocation the loads' rows, and the rows they replaced, touch).
-- That key is sufficient: a client's periods are computed from that client's allocations only (per gemeente),
-- and an allocation changes only when a load touches it; requests and invoices make no periods, so a half year
-- of invoices recomputes only the clients whose allocations it changed. A client left without allocations
-- loses its periods.
{{ config(
    materialized='incremental', incremental_strategy='append', on_schema_change='fail',
    pre_hook="{{ replace_touched({'herberekende_periodeclienten': touched_period_clients()},
                                 '(gemeente_code, client_id) in (from herberekende_periodeclienten)') }}"
) }}

with allocations as (  -- only the columns a period needs: the windows below sort them
    select
        gemeente_code, wet, product_categorie, client_id, toewijzing_sleutel, begindatum, einddatum,
        eerste_dagtekening, startbericht_datum, is_synthetisch, loaded_at
    from {{ ref('int_zorgtoewijzingen') }}
    where begindatum is not null and client_id is not null
    {% if is_incremental() -%}
        and (gemeente_code, client_id) in (from herberekende_periodeclienten)
    {%- endif %}
),

grouped as (
    select *, wet || ':' || product_categorie as uitsplitsing from allocations where product_categorie is not null
    union all
    select *, wet || ':totaal' as uitsplitsing from allocations
),

ordered as (
    select
        *,
        max(coalesce(einddatum, date '9999-12-31')) over (
            partition by gemeente_code, uitsplitsing, client_id
            order by begindatum, toewijzing_sleutel
            rows between unbounded preceding and 1 preceding
        ) as eerder_einde
    from grouped
),

numbered as (
    select
        *,
        sum(
            case
                when eerder_einde is null then 1
                when begindatum > eerder_einde + {{ var('zorgperiode_aansluiting_dagen') }} then 1
                else 0
            end
        ) over (
            partition by gemeente_code, uitsplitsing, client_id
            order by begindatum, toewijzing_sleutel
            rows unbounded preceding
        ) as periode_nummer
    from ordered
)

select
    gemeente_code,
    wet,
    uitsplitsing,
    case when uitsplitsing like '%:totaal' then null else any_value(product_categorie) end  as product_categorie,
    client_id,
    periode_nummer,
    min(begindatum)                                                                         as begindatum,
    case when bool_or(einddatum is null) then null else max(einddatum) end                  as einddatum,
    arg_min_null(eerste_dagtekening, struct_pack(b := begindatum, s := toewijzing_sleutel))      as toewijzing_dagtekening,
    arg_min_null(startbericht_datum, struct_pack(b := begindatum, s := toewijzing_sleutel))      as startbericht_datum,
    count(*)                                                                                as toewijzingen,
    bool_or(is_synthetisch)                                                                 as is_synthetisch,
    max(loaded_at)                                                                          as loaded_at
from numbered
group by gemeente_code, wet, uitsplitsing, client_id, periode_nummer
