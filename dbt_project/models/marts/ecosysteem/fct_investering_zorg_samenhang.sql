-- Grain: one row per level (gemeente, wijk) x investment indicator x care indicator x lag. How strongly
-- investment per inhabitant and care later go together across regions and years: Pearson's correlation over all
-- (region, year) pairs, with how many pairs it rests on. An association, not an effect: regions differ in many ways.
select
    regio_niveau,
    investering_indicator,
    any_value(investering_naam)                                 as investering_naam,
    zorg_indicator,
    any_value(zorg_naam)                                        as zorg_naam,
    vertraging_jaren,
    count(*)                                                    as aantal_paren,
    count(distinct regio_code)                                  as aantal_regios,
    case when count(*) >= 10 then round(corr(investering_waarde, zorg_waarde), 3) end as correlatie,
    bool_or(is_synthetisch)                                     as is_synthetisch,
    'samenhang, geen oorzaak-gevolg'                            as interpretatie
from {{ ref('fct_investering_zorg') }}
group by regio_niveau, investering_indicator, zorg_indicator, vertraging_jaren
