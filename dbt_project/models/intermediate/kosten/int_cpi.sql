-- The consumer price index chained from CBS's yearly changes (seed cpi), with the factors that express an amount
-- of a year in prices of the target year (var doelindeling) and of 2022 (the year of the CPB age profile).
with chained as (
    select
        jaar,
        100 * exp(sum(case when jaar > {{ var('eerste_jaar') }} then ln(1 + inflatie_pct / 100) else 0 end)
            over (order by jaar)) as index_eerste_jaar
    from {{ ref('cpi') }}
)

select
    jaar,
    index_eerste_jaar,
    (select index_eerste_jaar from chained where jaar = {{ var('doelindeling') }}) / index_eerste_jaar
        as naar_prijzen_doeljaar,
    (select index_eerste_jaar from chained where jaar = 2022) / index_eerste_jaar as naar_prijzen_2022
from chained
