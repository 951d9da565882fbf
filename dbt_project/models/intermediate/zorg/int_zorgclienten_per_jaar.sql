-- Clients in care per year: one row per gemeente x uitsplitsing x client x year in which one of the client's care
-- periods (int_zorgperiodes) lies, within the years the data cover (int_zorg_dekking). A client counts once per
-- year and uitsplitsing, however many allocations, periods or messages (a message seen twice counts once in
-- staging already).
--
-- is_instroom: a period begins in the year and the client had no care (in this uitsplitsing) in the year before;
-- NULL for the first covered year (the year before is not known). is_uitstroom: the client's last period ends in
-- the year, on or before the peildatum (care that goes on past the peildatum has not ended).
--
-- Incremental, by three keys. (1) Every row of each client whose periods a load since the last build touched
-- (macro touched_period_clients): a client's years in care, inflow and outflow come from that client's periods,
-- which change only with such a load (a client's invoices and requests do not move them). (2) The rows of a
-- gemeente and law whose coverage (int_zorg_dekking) may have moved, from the first year it can change: the rows
-- of the year of the peildatum and later depend on it (is_voorlopig; care open or ending after it;
-- laatste_jaar), so a load with rows of that gemeente and law recomputes them from the year of the older of the
-- previous and the new peildatum. The previous one is at least the latest date among the rows the model had seen
-- and staging still holds (loaded_at up to the watermark), so its year is a safe start. The first covered year
-- (eerste_jaar) sets every row's lower bound and the NULL is_instroom of that year's rows: when the stored rows
-- do not match it (a row before it, or is_instroom NULL in another year or set in it), the gemeente and law are
-- recomputed whole. A gemeente and law without stored rows or without coverage too. (3) The stored client-years
-- whose wijk is not the one int_zorgclienten_wijk_per_jaar gives now (macro moved_client_years): new postcodes
-- of the client, a new postcode table or moved coverage, compared rather than derived, so every cause counts.
{{ config(
    materialized='incremental', incremental_strategy='append', on_schema_change='fail',
    pre_hook="{{ replace_touched({'herberekende_jaarclienten': touched_period_clients(),
                                  'herberekende_dekkingsjaren': coverage_moved_years(),
                                  'herberekende_locaties': moved_client_years()},
                                 '(gemeente_code, client_id) in (from herberekende_jaarclienten)
                                  or (gemeente_code, wet, jaar) in (from herberekende_dekkingsjaren)
                                  or (gemeente_code, client_id, jaar) in (from herberekende_locaties)') }}"
) }}

with coverage as (
    select * from {{ ref('int_zorg_dekking') }}
),

periods as (
    select periodes.*, coverage.peildatum, coverage.eerste_jaar, coverage.laatste_jaar
    from {{ ref('int_zorgperiodes') }} as periodes
    inner join coverage using (gemeente_code, wet)
    {% if is_incremental() -%}
    -- the periods of the touched and moved clients, and those a recomputed year (or the year before it, for
    -- is_instroom) lies in
    left join (
        select gemeente_code, wet, min(jaar) as vanaf_jaar from herberekende_dekkingsjaren group by all
    ) as moved using (gemeente_code, wet)
    where (periodes.gemeente_code, periodes.client_id) in (from herberekende_jaarclienten)
        or (periodes.gemeente_code, periodes.client_id) in (select gemeente_code, client_id from herberekende_locaties)
        or year(coalesce(periodes.einddatum, date '9999-12-31')) >= moved.vanaf_jaar - 1
    {%- endif %}
),

last_end as (
    select
        gemeente_code, uitsplitsing, client_id,
        case when bool_or(einddatum is null) then null else max(einddatum) end as laatste_einddatum
    from periods
    group by all
),

in_care as (
    select
        periods.gemeente_code,
        periods.wet,
        periods.uitsplitsing,
        periods.product_categorie,
        periods.client_id,
        years.jaar,
        bool_or(year(periods.begindatum) = years.jaar)   as begint_in_jaar,
        any_value(periods.eerste_jaar)                    as eerste_jaar,
        any_value(periods.peildatum)                      as peildatum,
        bool_or(periods.is_synthetisch)                   as is_synthetisch,
        max(periods.loaded_at)                            as loaded_at
    from periods
    -- the covered years the period overlaps: it begins on or before 31 December and ends (if ever) on or after 1 January
    cross join lateral (select unnest(range(
        greatest(year(periods.begindatum), periods.eerste_jaar),
        least(coalesce(year(periods.einddatum), periods.laatste_jaar), periods.laatste_jaar) + 1
    )) as jaar) as years
    group by all
)

select
    in_care.gemeente_code,
    in_care.wet,
    in_care.uitsplitsing,
    in_care.product_categorie,
    in_care.client_id,
    in_care.jaar,
    in_care.jaar = year(in_care.peildatum) and in_care.peildatum < make_date(in_care.jaar, 12, 31) as is_voorlopig,
    case
        when in_care.jaar > in_care.eerste_jaar then in_care.begint_in_jaar and previous.client_id is null
    end                                                                                            as is_instroom,
    coalesce(
        last_end.laatste_einddatum <= in_care.peildatum and year(last_end.laatste_einddatum) = in_care.jaar, false
    )                                                                                              as is_uitstroom,
    location.wijk_code,
    location.wijk_status,
    in_care.is_synthetisch,
    in_care.loaded_at
from in_care
left join in_care as previous
    on previous.gemeente_code = in_care.gemeente_code
    and previous.uitsplitsing = in_care.uitsplitsing
    and previous.client_id = in_care.client_id
    and previous.jaar = in_care.jaar - 1
left join last_end
    on last_end.gemeente_code = in_care.gemeente_code
    and last_end.uitsplitsing = in_care.uitsplitsing
    and last_end.client_id = in_care.client_id
left join {{ ref('int_zorgclienten_wijk_per_jaar') }} as location
    on location.gemeente_code = in_care.gemeente_code
    and location.client_id = in_care.client_id
    and location.jaar = in_care.jaar
{% if is_incremental() -%}
where (in_care.gemeente_code, in_care.client_id) in (from herberekende_jaarclienten)
    or (in_care.gemeente_code, in_care.wet, in_care.jaar) in (from herberekende_dekkingsjaren)
    or (in_care.gemeente_code, in_care.client_id, in_care.jaar) in (from herberekende_locaties)
{%- endif %}
