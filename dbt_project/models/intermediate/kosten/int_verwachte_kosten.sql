-- Expected Wmo and Jeugd spending of a gemeente from its age structure: the sum over single years of age of
-- inhabitants x national spending per inhabitant of that age (CPB, 2022 prices). Compared with actual spending
-- in 2022 prices, it tells whether a gemeente spends more or less than its population's ages lead to expect.
select
    bevolking.regio_code,
    bevolking.jaar,
    sum(bevolking.inwoners * profiel.wmo_per_inwoner)   as verwachte_wmo_kosten,
    sum(bevolking.inwoners * profiel.jeugd_per_inwoner) as verwachte_jeugd_kosten,
    sum(bevolking.inwoners)                             as inwoners,
    bool_or(bevolking.is_voorlopig)                     as is_voorlopig,
    bool_or(bevolking.is_synthetisch)                   as is_synthetisch
from {{ ref('int_bevolking_per_leeftijd') }} as bevolking
inner join {{ ref('cpb_uitgaven_per_leeftijd') }} as profiel using (leeftijd)
group by all
