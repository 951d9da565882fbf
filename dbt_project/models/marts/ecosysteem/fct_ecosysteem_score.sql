-- Grain: one row per region x year x ecosystem element x peer group: every element for every region and year,
-- also where no indicator has data (status 'geen gegevens', score NULL: never a 0). The score is the mean of the
-- element's direction-aware standard scores (fct_ecosysteem_bijdrage), shown on a 0-10 scale as 5 + 2 x mean z
-- (capped at 0 and 10): 5 is the peer group's average, each standard deviation better adds 2.
with bijdragen as (
    select * from {{ ref('fct_ecosysteem_bijdrage') }}
),

regions as (
    select distinct regio_code, regio_naam, regio_niveau, gemeente_code, gemeente_naam, jaar
    from {{ ref('fct_indicator') }}
    where indicator_code = 'INWONERS'
),

peer_groups as (
    select distinct gemeente_code, jaar, peergroep_soort, peergroep, peergroep_naam
    from {{ ref('int_peergroep_leden') }}
),

grid as (
    select regions.*, peer_groups.peergroep_soort, peer_groups.peergroep, peer_groups.peergroep_naam,
           elementen.element_code, elementen.element_naam, elementen.element_nummer
    from regions
    inner join peer_groups using (gemeente_code, jaar)
    cross join {{ ref('ecosysteem_elementen') }} as elementen
),

scored as (
    select
        regio_code, jaar, peergroep, element_code,
        avg(z_score)                                                             as gemiddelde_z,
        count(z_score)                                                           as aantal_indicatoren,
        string_agg(indicator_code, ', ' order by indicator_code) filter (where z_score is not null) as indicatoren,
        string_agg(indicator_naam, '; ' order by indicator_naam) filter (where z_score is not null) as indicator_namen,
        bool_or(is_voorlopig) filter (where z_score is not null)                 as is_voorlopig,
        bool_or(is_geschat) filter (where z_score is not null)                   as is_geschat,
        bool_or(is_synthetisch)                                                  as is_synthetisch
    from bijdragen
    group by all
)

select
    grid.regio_code, grid.regio_naam, grid.regio_niveau, grid.gemeente_code, grid.gemeente_naam, grid.jaar,
    make_date(grid.jaar, 1, 1)                                               as peildatum,
    grid.peergroep_soort, grid.peergroep, grid.peergroep_naam,
    grid.element_code, grid.element_naam, grid.element_nummer,
    case when scored.aantal_indicatoren > 0
         then round(greatest(0, least(10, 5 + 2 * scored.gemiddelde_z)), 1) end as score,
    round(scored.gemiddelde_z, 3)                                            as gemiddelde_z,
    coalesce(scored.aantal_indicatoren, 0)                                   as aantal_indicatoren,
    scored.indicatoren,
    scored.indicator_namen,
    case when coalesce(scored.aantal_indicatoren, 0) > 0 then 'berekend' else 'geen gegevens' end as status,
    case coalesce(scored.aantal_indicatoren, 0)
        when 0 then 'geen score: geen indicator met een waarde'
        when 1 then 'score uit 1 indicator'
        else 'score uit ' || scored.aantal_indicatoren || ' indicatoren'
    end                                                                      as toelichting,
    coalesce(scored.is_voorlopig, false)                                     as is_voorlopig,
    coalesce(scored.is_geschat, false)                                       as is_geschat,
    coalesce(scored.is_synthetisch, false)                                   as is_synthetisch
from grid
left join scored using (regio_code, jaar, peergroep, element_code)
