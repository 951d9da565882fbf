-- Indicator values on the target classification (var doelindeling). Additive indicators (with teller and/or
-- noemer) are converted by moving their counts to the new codes and summing them; the value is recomputed from the
-- converted teller and noemer. A value without counts (a median, a survey percentage) cannot be converted: it is
-- kept only for regions that did not change, and dropped for the years before a change.
with waarden as (
    select *, cast(left(periode, 4) as integer) as jaar
    from {{ ref('int_indicator_waarden') }}
),

additive as (
    select * from waarden where teller is not null or noemer is not null
),

converted as (
    {{ harmonise('additive', counts=['teller', 'noemer', 'aantal_clienten'],
                 keys=['indicator_code', 'uitsplitsing', 'uitsplitsing_naam', 'periode', 'bron']) }}
),

not_additive as (
    select waarden.* exclude (jaar), waarden.jaar, false as is_geschat
    from waarden
    where waarden.teller is null and waarden.noemer is null
      and not exists (
          select 1 from {{ ref('int_regio_omzetting') }} as omzetting
          where omzetting.regio_code = waarden.regio_code and omzetting.indeling_jaar = waarden.jaar
      )
)

select
    indicator_code, uitsplitsing, uitsplitsing_naam, regio_code, periode, jaar,
    teller, noemer, null::double as waarde, aantal_clienten, is_voorlopig, is_synthetisch, is_geschat, bron
from converted
union all
select
    indicator_code, uitsplitsing, uitsplitsing_naam, regio_code, periode, jaar,
    teller, noemer, waarde, aantal_clienten, is_voorlopig, is_synthetisch, is_geschat, bron
from not_additive
