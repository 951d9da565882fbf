-- Grain: one row per ecosystem indicator x region x year x peer group. The recipe of the element scores, in the
-- data: the indicator's value, its peer group's mean, spread and median in that year, the direction-aware
-- standard score (z) that goes into fct_ecosysteem_score, or the reason it does not.
select
    element_code, indicator_code, indicator_naam, richting, regio_code, regio_naam, regio_niveau, gemeente_code,
    gemeente_naam, jaar, peergroep_soort, peergroep, peergroep_naam, waarde, peer_gemiddelde,
    peer_standaardafwijking, peer_mediaan, peer_aantal, z_score, niet_meegeteld_reden, is_voorlopig, is_geschat,
    is_synthetisch
from {{ ref('int_indicator_peervergelijking') }}
where in_score
