-- Inhabitants per gemeente, year and single year of age (99 = 99 or older, as in the CPB profile). CBS titles the
-- ages ("37 jaar", "105 jaar of ouder"); groups such as "0 tot 5 jaar" and the total are left out.
select
    regio_code,
    jaar,
    least(cast(regexp_extract(leeftijd_titel, '^(\d+) jaar( of ouder)?$', 1) as integer), 99) as leeftijd,
    sum(waarde) as inwoners,
    bool_or(is_voorlopig) as is_voorlopig,
    bool_or(is_synthetisch) as is_synthetisch
from {{ ref('stg_cbs__bevolking_leeftijd') }}
where maat = 'BevolkingOp1Januari'
  and regexp_matches(leeftijd_titel, '^\d+ jaar( of ouder)?$')
group by all
