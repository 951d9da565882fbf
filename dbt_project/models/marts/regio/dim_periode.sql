-- Periods with their CBS keys: years (2023JJ00) and half years (2023HJ01, 2023HJ02), labelled as a Dutch reader
-- writes them ("2023", "1e halfjaar 2023"; the macro periode_naam does the same for any period key).
with years as (
    select unnest(range({{ var('eerste_jaar') }}, {{ var('doelindeling') }} + 7)) as jaar
)

select
    jaar || 'JJ00'                  as periode,
    'jaar'                          as periode_soort,
    jaar,
    null::integer                   as halfjaar,
    make_date(jaar, 1, 1)           as begindatum,
    make_date(jaar, 12, 31)         as einddatum,
    jaar::varchar                   as label
from years
union all
select
    jaar || 'HJ0' || halfjaar,
    'halfjaar',
    jaar,
    halfjaar,
    make_date(jaar, 6 * halfjaar - 5, 1),
    case halfjaar when 1 then make_date(jaar, 6, 30) else make_date(jaar, 12, 31) end,
    halfjaar || 'e halfjaar ' || jaar
from years, (select unnest([1, 2]) as halfjaar)
