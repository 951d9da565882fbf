-- Grain: one row per wijk x year x indicator (every indicator with a direction). The wijk's value next to the
-- median of the wijken of its peer group (var peergroep), with the direction-aware standard score and its rank
-- within the wijk: rank 1 is what goes best relative to the peers. Strengths first.
select
    regio_code                                                      as wijk_code,
    regio_naam                                                      as wijk_naam,
    gemeente_code,
    gemeente_naam,
    jaar,
    indicator_code,
    indicator_naam,
    element_code,
    richting,
    waarde,
    eenheid,
    peergroep_naam,
    peer_mediaan,
    peer_aantal,
    z_score,
    row_number() over (partition by regio_code, jaar order by z_score desc nulls last, indicator_code) as rang,
    coalesce(z_score >= 0.5, false)                                 as is_sterk,
    coalesce(z_score <= -0.5, false)                                as is_aandachtspunt,
    niet_meegeteld_reden,
    is_onderdrukt,
    onderdrukt_reden,
    is_voorlopig,
    is_geschat,
    is_synthetisch
from {{ ref('int_indicator_peervergelijking') }}
where regio_niveau = 'wijk' and peergroep = '{{ var("peergroep") }}'
