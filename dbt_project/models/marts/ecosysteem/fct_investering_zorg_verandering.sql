-- Grain: one row per region x investment indicator x care indicator: the change of both over the period in which
-- both have values (first and last common year), side by side. Association, not effect.
with pairs as (
    select * from {{ ref('fct_investering_zorg') }} where vertraging_jaren = 0
),

span as (
    select regio_code, investering_indicator, zorg_indicator, min(investering_jaar) as begin_jaar,
           max(investering_jaar) as eind_jaar
    from pairs
    group by all
    having count(*) >= 2
)

select
    span.regio_code,
    begin_.regio_naam,
    begin_.regio_niveau,
    begin_.gemeente_code,
    begin_.gemeente_naam,
    span.investering_indicator,
    begin_.investering_naam,
    span.zorg_indicator,
    begin_.zorg_naam,
    span.begin_jaar,
    span.eind_jaar,
    begin_.investering_waarde                                   as investering_begin,
    eind.investering_waarde                                     as investering_eind,
    eind.investering_waarde - begin_.investering_waarde         as investering_verandering,
    begin_.zorg_waarde                                          as zorg_begin,
    eind.zorg_waarde                                            as zorg_eind,
    eind.zorg_waarde - begin_.zorg_waarde                       as zorg_verandering,
    begin_.is_voorlopig or eind.is_voorlopig                    as is_voorlopig,
    begin_.is_geschat or eind.is_geschat                        as is_geschat,
    begin_.is_synthetisch or eind.is_synthetisch                as is_synthetisch,
    'samenhang, geen oorzaak-gevolg'                            as interpretatie
from span
inner join pairs as begin_
    on begin_.regio_code = span.regio_code and begin_.investering_indicator = span.investering_indicator
    and begin_.zorg_indicator = span.zorg_indicator and begin_.investering_jaar = span.begin_jaar
inner join pairs as eind
    on eind.regio_code = span.regio_code and eind.investering_indicator = span.investering_indicator
    and eind.zorg_indicator = span.zorg_indicator and eind.investering_jaar = span.eind_jaar
