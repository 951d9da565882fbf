-- Grain: one row per region x investment indicator x investment year x care indicator x lag (0-3 years).
-- Sociale-basis investment per inhabitant in year t next to care use and care cost in year t + lag. This shows
-- whether they go together over the years (association), never that one causes the other.
with indicators as (
    select * from {{ ref('fct_indicator') }}
    where not is_halfjaar and not is_onderdrukt and waarde is not null
),

investering as (
    select * from indicators
    where indicator_code in ('SUBSIDIE_SOCIALE_BASIS_PER_INWONER', 'LASTEN_SAMENKRACHT_PER_INWONER')
),

zorg as (
    select * from indicators
    where (indicator_code in ('WMO_CLIENTEN_PER_1000', 'JEUGDZORG_PCT') and uitsplitsing = 'totaal')
       or (indicator_code = 'WMO_KOSTEN_PER_INWONER' and uitsplitsing = 'totaal')
       or (indicator_code = 'JEUGDZORG_KOSTEN_PER_INWONER' and uitsplitsing = 'jeugdzorg')
)

select
    investering.regio_code,
    investering.regio_naam,
    investering.regio_niveau,
    investering.gemeente_code,
    investering.gemeente_naam,
    investering.indicator_code                              as investering_indicator,
    investering.indicator_naam                              as investering_naam,
    investering.jaar                                        as investering_jaar,
    investering.waarde                                      as investering_waarde,
    zorg.indicator_code                                     as zorg_indicator,
    zorg.indicator_naam                                     as zorg_naam,
    zorg.jaar                                               as zorg_jaar,
    zorg.waarde                                             as zorg_waarde,
    zorg.jaar - investering.jaar                            as vertraging_jaren,
    investering.is_voorlopig or zorg.is_voorlopig           as is_voorlopig,
    investering.is_geschat or zorg.is_geschat               as is_geschat,
    investering.is_synthetisch or zorg.is_synthetisch       as is_synthetisch,
    'samenhang, geen oorzaak-gevolg'                        as interpretatie
from investering
inner join zorg
    on zorg.regio_code = investering.regio_code
    and zorg.jaar between investering.jaar and investering.jaar + 3
