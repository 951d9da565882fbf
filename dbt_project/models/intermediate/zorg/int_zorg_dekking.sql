-- What the own care data of a gemeente cover, per law: the peildatum (the latest date of any of its care
-- messages or export rows) and the years the indicators may be computed for.
--
-- eerste_jaar: the year of the earliest end of a care period. Data of a gemeente begin with the clients in care
-- at some date; a period that ended before then is missing, so years before the first observed end are not
-- complete (without any ended period, only the peildatum's year counts). laatste_jaar: the peildatum's year; a
-- year that had not ended on the peildatum is provisional (is_voorlopig in the indicators). Instroom needs the
-- year before as well, so it starts a year after eerste_jaar.
with peil as (
    select gemeente_code, wet, max(dagtekening) as peildatum, bool_or(is_synthetisch) as is_synthetisch
    from {{ ref('stg_zorg__berichtregels') }}
    group by all
),

periods as (
    select periodes.*, peil.peildatum
    from {{ ref('int_zorgperiodes') }} as periodes
    inner join peil using (gemeente_code, wet)
    where periodes.uitsplitsing = periodes.wet || ':totaal'
),

bounds as (
    select
        gemeente_code,
        wet,
        min(einddatum) filter (where einddatum <= peildatum) as eerste_einde
    from periods
    group by all
)

select
    peil.gemeente_code,
    peil.wet,
    peil.peildatum,
    coalesce(year(bounds.eerste_einde), year(peil.peildatum))                          as eerste_jaar,
    year(peil.peildatum)                                                                as laatste_jaar,
    peil.is_synthetisch
from peil
left join bounds using (gemeente_code, wet)
