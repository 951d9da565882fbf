-- Grain: one row per gemeente x year x analysis group (Iv3 lasten). The cost trend a controller reads: realised
-- and budgeted lasten, the gap, per inhabitant in euro of the year (nominal) and in prices of the target year
-- (real), the change on the year before and the growth since the group's first year. Built from fct_indicator
-- (LASTEN_PER_INWONER, LASTEN_PER_INWONER_REEEL, BEGROTING_AFWIJKING_PCT). Trend groups are comparable over
-- all taakveld code lists (is_trendbaar); finer groups exist only from the code list that split them out.
{%- set columns = {
    'lasten_realisatie': 'LASTEN_PER_INWONER.teller', 'lasten_realisatie_reeel': 'LASTEN_PER_INWONER_REEEL.teller',
    'lasten_begroting': 'BEGROTING_AFWIJKING_PCT.noemer', 'afwijking': 'BEGROTING_AFWIJKING_PCT.teller',
    'afwijking_pct': 'BEGROTING_AFWIJKING_PCT.waarde', 'inwoners': 'LASTEN_PER_INWONER.noemer',
    'per_inwoner': 'LASTEN_PER_INWONER.waarde', 'per_inwoner_reeel': 'LASTEN_PER_INWONER_REEEL.waarde',
} %}
with indicators as (
    select * from {{ ref('fct_indicator') }}
    where indicator_code in ({{ indicator_codes(columns) }})
),

wide as (
    select
        regio_code as gemeente_code, any_value(regio_naam) as gemeente_naam, jaar,
        uitsplitsing as analysegroep, any_value(uitsplitsing_naam) as analysegroep_naam,
        {{ pivot_indicators(columns) }}
    from indicators
    group by regio_code, jaar, uitsplitsing
),

with_history as (
    select
        wide.*,
        groepen.analysegroep = groepen.trendgroep                                  as is_trendbaar,
        groepen.trendgroep,
        lag(per_inwoner_reeel) over history                                       as vorig_jaar_reeel,
        first_value(per_inwoner_reeel) over history                               as eerste_jaar_reeel,
        first_value(jaar) over history                                            as eerste_jaar
    from wide
    inner join {{ ref('analysegroepen') }} as groepen using (analysegroep)
    window history as (partition by gemeente_code, analysegroep order by jaar)
)

select
    * exclude (vorig_jaar_reeel, eerste_jaar_reeel),
    make_date(jaar, 1, 1)                                                          as peildatum,
    round(100 * (per_inwoner_reeel / nullif(vorig_jaar_reeel, 0) - 1), 1)         as verandering_reeel_pct,
    round(100 * (per_inwoner_reeel / nullif(eerste_jaar_reeel, 0) - 1), 1)        as groei_sinds_eerste_jaar_reeel_pct,
    case when jaar > eerste_jaar
         then round(100 * (power(per_inwoner_reeel / nullif(eerste_jaar_reeel, 0), 1.0 / (jaar - eerste_jaar)) - 1), 1)
    end                                                                           as gemiddelde_groei_per_jaar_reeel_pct
from with_history
