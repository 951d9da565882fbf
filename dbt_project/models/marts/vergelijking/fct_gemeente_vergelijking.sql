-- Grain: one row per indicator x uitsplitsing x gemeente x period x series (reeks_soort: the gemeente itself, and
-- the median, lowest and highest value of its peer group, var peergroep). What a comparison chart draws: the
-- chosen gemeente as one line in colour against a grey band of its peers, without naming them, so a reader who
-- sees only their own gemeente (row-level security on gemeente_code) still sees where it stands. The band is
-- computed over the unsuppressed values of the group (the gemeente included), and only where at least 3 gemeenten
-- have a value (with fewer, lowest and highest would be another gemeente's own figure).
with values_ as (
    select * from {{ ref('fct_indicator') }}
    where regio_niveau = 'gemeente'
),

grouped as (
    select values_.*, leden.peergroep_naam
    from values_
    inner join {{ ref('int_peergroep_leden') }} as leden
        on leden.gemeente_code = values_.gemeente_code and leden.jaar = values_.jaar
    where leden.peergroep = '{{ var("peergroep") }}'
),

banded as (
    select
        *,
        median(waarde) over peers   as peer_mediaan,
        min(waarde) over peers      as peer_laagste,
        max(waarde) over peers      as peer_hoogste,
        count(waarde) over peers    as peer_aantal
    from grouped
    window peers as (partition by indicator_code, uitsplitsing, periode)
),

series as (
    select *, 'gemeente' as reeks_soort, gemeente_naam as reeks, waarde as reeks_waarde from banded
    union all by name
    select *, 'mediaan' as reeks_soort, 'Mediaan groep' as reeks, peer_mediaan as reeks_waarde
    from banded where peer_aantal >= 3
    union all by name
    select *, 'hoogste' as reeks_soort, 'Hoogste in groep' as reeks, peer_hoogste as reeks_waarde
    from banded where peer_aantal >= 3
    union all by name
    select *, 'laagste' as reeks_soort, 'Laagste in groep' as reeks, peer_laagste as reeks_waarde
    from banded where peer_aantal >= 3
)

select
    indicator_code,
    indicator_naam,
    uitsplitsing,
    uitsplitsing_naam,
    -- an analysis group that is part of a total also in the data (e.g. Jeugdhulp met verblijf of Jeugdhulp):
    -- charts show the totals, or the parts, never both
    coalesce(uitsplitsing in (select analysegroep from {{ ref('analysegroepen') }} where analysegroep <> trendgroep),
             false)                                                     as is_onderdeel,
    eenheid,
    gemeente_code,
    gemeente_naam,
    periode,
    {{ periode_naam('periode') }}                                       as periode_naam,
    jaar,
    is_halfjaar,
    -- the first day of the period: 1 January, 1 July for the second half year
    case when periode like '%HJ02' then make_date(jaar, 7, 1) else make_date(jaar, 1, 1) end as periode_begin,
    peergroep_naam,
    peer_aantal,
    reeks_soort,
    reeks,
    reeks_waarde                                                        as waarde,
    reeks_soort = 'gemeente' and is_onderdrukt                          as is_onderdrukt,
    case when reeks_soort = 'gemeente' then onderdrukt_reden end        as onderdrukt_reden,
    is_voorlopig,
    is_geschat,
    is_synthetisch
from series
