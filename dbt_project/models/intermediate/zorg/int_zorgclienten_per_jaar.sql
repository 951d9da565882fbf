-- Clients in care per year: one row per gemeente x uitsplitsing x client x year in which one of the client's care
-- periods (int_zorgperiodes) lies, within the years the data cover (int_zorg_dekking). A client counts once per
-- year and uitsplitsing, however many allocations, periods or messages (a message seen twice counts once in
-- staging already).
--
-- is_instroom: a period begins in the year and the client had no care (in this uitsplitsing) in the year before;
-- NULL for the first covered year (the year before is not known). is_uitstroom: the client's last period ends in
-- the year, on or before the peildatum (care that goes on past the peildatum has not ended).
with coverage as (
    select * from {{ ref('int_zorg_dekking') }}
),

periods as (
    select periodes.*, coverage.peildatum, coverage.eerste_jaar, coverage.laatste_jaar
    from {{ ref('int_zorgperiodes') }} as periodes
    inner join coverage using (gemeente_code, wet)
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
        bool_or(periods.is_synthetisch)                   as is_synthetisch
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
    in_care.is_synthetisch
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
