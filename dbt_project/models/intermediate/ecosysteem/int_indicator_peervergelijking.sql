-- Every indicator with a direction (higher is better or worse), per region and year, next to its peer group: the
-- mean, spread and median of the same indicator over the gemeenten of the group (for a wijk: the wijken of those
-- gemeenten) in that year, and the direction-aware standard score z = (value - peer mean) / peer standard
-- deviation, with the sign turned when higher is worse. Totals only; years only.
with values_ as (
    select fct.*, catalog.element_code, catalog.richting, catalog.in_score
    from {{ ref('fct_indicator') }} as fct
    inner join {{ ref('indicator_catalog') }} as catalog on catalog.code = fct.indicator_code
    where catalog.richting <> 'neutraal' and fct.uitsplitsing = 'totaal' and not fct.is_halfjaar
),

grouped as (
    select values_.*, leden.peergroep_soort, leden.peergroep, leden.peergroep_naam
    from values_
    inner join {{ ref('int_peergroep_leden') }} as leden
        on leden.gemeente_code = values_.gemeente_code and leden.jaar = values_.jaar
),

with_peers as (
    select
        *,
        avg(waarde) over peers          as peer_gemiddelde,
        stddev_pop(waarde) over peers   as peer_standaardafwijking,
        median(waarde) over peers       as peer_mediaan,
        count(waarde) over peers        as peer_aantal
    from grouped
    window peers as (partition by indicator_code, regio_niveau, jaar, peergroep)
)

select
    *,
    case
        when waarde is null or peer_aantal < 3 or peer_standaardafwijking = 0 then null
        else round((waarde - peer_gemiddelde) / peer_standaardafwijking
                   * case richting when 'hoger_slechter' then -1 else 1 end, 3)
    end as z_score,
    case
        when waarde is null then 'geen waarde (' || coalesce(onderdrukt_reden, 'onbekend') || ')'
        when peer_aantal < 3 then 'te weinig vergelijkbare regio''s'
        when peer_standaardafwijking = 0 then 'geen spreiding in de peergroep'
    end as niet_meegeteld_reden
from with_peers
