-- Grain: one row per wijk x year x indicator (every indicator with a direction). The wijk's value next to the
-- median of the wijken of its peer group (var peergroep), with the direction-aware standard score and its rank
-- within the wijk: rank 1 is what goes best relative to the peers. Strengths first.
select
    peers.regio_code                                                as wijk_code,
    regio_naam                                                      as wijk_naam,
    gemeente_code,
    gemeente_naam,
    jaar,
    indicator_code,
    indicator_naam,
    peers.element_code,
    peers.richting,
    case peers.richting when 'hoger_beter' then 'hoger is beter' when 'hoger_slechter' then 'hoger is slechter' end
                                                                    as richting_naam,
    waarde,
    -- as the dashboards show it: the catalogue's decimals, euro and % in the text (one number, one notation)
    {{ waarde_tekst('waarde', 'catalogus.decimalen', 'peers.eenheid') }}         as waarde_tekst,
    peers.eenheid,
    peergroep_naam,
    peer_mediaan,
    {{ waarde_tekst('peer_mediaan', 'catalogus.decimalen', 'peers.eenheid') }} as peer_mediaan_tekst,
    peer_aantal,
    z_score,
    row_number() over (partition by peers.regio_code, jaar order by z_score desc nulls last, indicator_code) as rang,
    coalesce(z_score >= 0.5, false)                                 as is_sterk,
    coalesce(z_score <= -0.5, false)                                as is_aandachtspunt,
    niet_meegeteld_reden,
    is_onderdrukt,
    onderdrukt_reden,
    is_voorlopig,
    is_geschat,
    is_synthetisch
from {{ ref('int_indicator_peervergelijking') }} as peers
inner join {{ ref('indicator_catalog') }} as catalogus on catalogus.code = peers.indicator_code
where regio_niveau = 'wijk' and peergroep = '{{ var("peergroep") }}'
