-- Grain: one row per indicator x uitsplitsing x region (gemeente or wijk of the target classification) x period.
-- The long fact every dashboard reads: value, numerator and denominator, and the flags that travel with every
-- number: suppressed (fewer than var min_cell_size clients, or secret at the source), provisional, estimated
-- (converted to the target classification), synthetic.
with values_ as (
    select * from {{ ref('int_indicator_geharmoniseerd') }}
),

catalog as (
    select * from {{ ref('indicator_catalog') }}
),

regions as (
    select regio_code, regio_naam, soort_regio, gemeente_code, gemeente_naam
    from {{ ref('dim_regio') }}
    where indeling_jaar = {{ var('doelindeling') }}
),

computed as (
    select
        values_.*,
        regions.regio_naam,
        regions.soort_regio                                             as regio_niveau,
        regions.gemeente_code,
        regions.gemeente_naam,
        catalog.naam                                                    as indicator_naam,
        catalog.eenheid,
        catalog.decimalen,
        coalesce(
            values_.waarde,
            values_.teller / nullif(coalesce(values_.noemer, 1), 0) * catalog.factor
        )                                                               as berekende_waarde,
        {{ onderdrukt_reden('values_.aantal_clienten', applies="catalog.onderdrukking = 'clienten'") }}
                                                                        as onderdrukt_reden
    from values_
    inner join catalog on catalog.code = values_.indicator_code
    -- only regions of the target classification, at a level the catalogue allows for the indicator
    inner join regions
        on regions.regio_code = values_.regio_code
        and list_contains(string_split(catalog.niveaus, ';'), regions.soort_regio)
)

select
    indicator_code,
    indicator_naam,
    uitsplitsing,
    uitsplitsing_naam,
    regio_code,
    regio_naam,
    regio_niveau,
    gemeente_code,
    gemeente_naam,
    periode,
    jaar,
    substr(periode, 5, 2) = 'HJ'                                            as is_halfjaar,
    make_date(jaar, 1, 1)                                                   as peildatum,
    {{ var('doelindeling') }}                                               as indeling_jaar,
    case when onderdrukt_reden is null then round(berekende_waarde, decimalen) end as waarde,
    case when onderdrukt_reden is null then teller end                      as teller,
    case when onderdrukt_reden is null then noemer end                      as noemer,
    eenheid,
    onderdrukt_reden is not null                                            as is_onderdrukt,
    onderdrukt_reden,
    is_voorlopig,
    is_geschat,
    is_synthetisch,
    bron
from computed
