-- Kerncijfers pivoted to one row per region per year (on that year's classification), with the gemeente each
-- region belongs to (macro gemeente_van: pipelines/sources/regions.py).
-- wmo_gepubliceerd / jeugdzorg_gepubliceerd: whether the edition has the Wmo / jeugdzorg topics at all (KWB 2017
-- and earlier do not); when they are false the counts are NULL because CBS never published them, not because a
-- cell is secret.
with kerncijfers as (
    select * from {{ ref('stg_cbs__kerncijfers_wijken_buurten') }}
),

pivoted as (
    select
        regio_code,
        any_value(regio_naam)                                                         as regio_naam,
        jaar,
        lower(trim(max(tekst) filter (where maat = 'SoortRegio')))                    as soort_regio,
        trim(max(tekst) filter (where maat = 'Gemeentenaam'))                         as gemeente_naam,
        max(waarde) filter (where maat = 'AantalInwoners')                            as inwoners,
        max(waarde) filter (where maat = 'k_0Tot15Jaar')                              as inwoners_0_15,
        max(waarde) filter (where maat = 'k_15Tot25Jaar')                             as inwoners_15_25,
        max(waarde) filter (where maat = 'k_25Tot45Jaar')                             as inwoners_25_45,
        max(waarde) filter (where maat = 'k_45Tot65Jaar')                             as inwoners_45_65,
        max(waarde) filter (where maat = 'k_65JaarOfOuder')                           as inwoners_65_plus,
        max(waarde) filter (where maat = 'WmoClienten')                               as wmo_clienten,
        max(waarde) filter (where maat = 'JongerenMetJeugdzorgInNatura')              as jongeren_met_jeugdzorg,
        max(waarde) filter (where maat = 'PercentageJongerenMetJeugdzorg')            as pct_jongeren_met_jeugdzorg,
        max(waarde) filter (where maat = 'PersonenPerSoortUitkeringBijstand')         as personen_met_bijstand,
        bool_or(maat = 'WmoClienten' and waarde_status <> 'not_published')            as wmo_gepubliceerd,
        bool_or(maat = 'JongerenMetJeugdzorgInNatura' and waarde_status <> 'not_published')
                                                                                      as jeugdzorg_gepubliceerd,
        bool_or(is_voorlopig)                                                         as is_voorlopig,
        bool_or(is_synthetisch)                                                       as is_synthetisch,
        any_value(cbs_tabel)                                                          as cbs_tabel
    from kerncijfers
    group by regio_code, jaar
)

select
    *,
    gemeente_van(regio_code) as gemeente_code,
    -- CBS publishes the share of youth (0-22) with jeugdzorg, not the number of youths: derived from the two, so
    -- harmonised series can recompute the share from summed counts (approximate where counts are rounded)
    jongeren_met_jeugdzorg * 100 / nullif(pct_jongeren_met_jeugdzorg, 0) as jongeren_afgeleid
from pivoted
