-- Care costs and the sociale basis in the gemeente's accounts, per gemeente and year: Iv3 lasten per analysis
-- group (nominal and in prices of the target year, against the budget, per client), CBS cost tables of the Wmo
-- and jeugdzorg, and actual versus age-expected costs. Amounts in euro (CBS publishes x 1 000).
with inwoners as (
    select regio_code, jaar, jaar || 'JJ00' as periode, inwoners, wmo_clienten, jongeren_met_jeugdzorg,
           is_voorlopig, is_synthetisch
    from {{ ref('int_kerncijfers_per_regio_jaar') }}
    where soort_regio = 'gemeente'
),

cpi as (
    select * from {{ ref('int_cpi') }}
),

groepen as (
    select * from {{ ref('analysegroepen') }}
),

iv3 as (
    select * from {{ ref('int_iv3_lasten_per_analysegroep') }}
),

-- every trend group (comparable over all code lists), and the finer groups for the years they exist
lasten as (
    select gemeente_code as regio_code, jaar, verslagsoort, trendgroep as groep, sum(lasten) as lasten,
           bool_or(is_voorlopig) as is_voorlopig, bool_or(is_synthetisch) as is_synthetisch
    from iv3
    group by all
    union all
    select gemeente_code, jaar, verslagsoort, analysegroep, lasten, is_voorlopig, is_synthetisch
    from iv3
    where not is_trendbaar
),

lasten_per_groep as (
    select
        lasten.regio_code, lasten.jaar, lasten.groep, groepen.naam as groep_naam,
        sum(lasten.lasten) filter (where verslagsoort = 'jaarrekening') as realisatie,
        sum(lasten.lasten) filter (where verslagsoort = 'begroting')    as begroting,
        bool_or(lasten.is_voorlopig) as is_voorlopig, bool_or(lasten.is_synthetisch) as is_synthetisch
    from lasten
    inner join groepen on groepen.analysegroep = lasten.groep
    group by all
),

per_groep as (
    select lasten_per_groep.*, inwoners.periode, inwoners.inwoners, cpi.naar_prijzen_doeljaar
    from lasten_per_groep
    inner join inwoners using (regio_code, jaar)
    inner join cpi using (jaar)
),

trendgroepen as (
    -- realised lasten of the comparable groups side by side, for ratios between them
    select
        regio_code, jaar, periode, any_value(inwoners) as inwoners,
        sum(realisatie) filter (where groep = 'samenkracht_burgerparticipatie')                     as samenkracht,
        sum(realisatie) filter (where groep = 'toegang_wijkteams')                                  as toegang,
        sum(realisatie) filter (where groep = 'sport')                                              as sport,
        sum(realisatie) filter (where groep in ('wmo_maatwerkdienstverlening', 'wmo_hulpmiddelen')) as wmo_maatwerk,
        sum(realisatie) filter (where groep = 'jeugdhulp')                                          as jeugdhulp,
        sum(realisatie) filter (where groep in ('wmo_maatwerkdienstverlening', 'wmo_hulpmiddelen', 'jeugdhulp',
                                                'beschermd_wonen_opvang', 'jeugdbescherming_reclassering'))
                                                                                                    as maatwerk_en_escalatie,
        bool_or(is_voorlopig) as is_voorlopig, bool_or(is_synthetisch) as is_synthetisch
    from per_groep
    group by all
),

categorie as (
    -- types of Wmo provision and forms of youth care, mapped by key (or title where the key is not known)
    select * from {{ ref('int_cbs_categorieen') }}
),

cbs_wmo as (
    select kosten.regio_code, kosten.jaar, categorie.code, categorie.naam, kosten.waarde * 1000 as uitgaven,
           kosten.is_voorlopig, kosten.is_synthetisch
    from {{ ref('stg_cbs__wmo_kosten') }} as kosten
    inner join categorie on categorie.dimensie = 'voorziening' and categorie.cbs_sleutel = kosten.voorziening_sleutel
    where kosten.maat = 'GerealiseerdeUitgaven' and kosten.periode_soort = 'JJ'
),

cbs_jeugd as (
    select kosten.regio_code, kosten.jaar, categorie.code, categorie.naam, kosten.waarde * 1000 as kosten,
           kosten.is_voorlopig, kosten.is_synthetisch
    from {{ ref('stg_cbs__jeugdzorg_kosten') }} as kosten
    inner join categorie on categorie.dimensie = 'vorm_kosten' and categorie.cbs_sleutel = kosten.vorm_sleutel
    where kosten.maat = 'GerealiseerdeKosten' and kosten.periode_soort = 'JJ'
),

werkelijk_verwacht as (
    select
        verwacht.regio_code, verwacht.jaar, verwacht.jaar || 'JJ00' as periode,
        wmo.uitgaven * cpi.naar_prijzen_2022 as wmo_prijzen_2022, verwacht.verwachte_wmo_kosten,
        jeugd.kosten * cpi.naar_prijzen_2022 as jeugd_prijzen_2022, verwacht.verwachte_jeugd_kosten,
        verwacht.is_voorlopig or wmo.is_voorlopig or jeugd.is_voorlopig as is_voorlopig,
        verwacht.is_synthetisch or wmo.is_synthetisch or jeugd.is_synthetisch as is_synthetisch
    from {{ ref('int_verwachte_kosten') }} as verwacht
    inner join cpi using (jaar)
    left join cbs_wmo as wmo on wmo.regio_code = verwacht.regio_code and wmo.jaar = verwacht.jaar and wmo.code = 'totaal'
    left join cbs_jeugd as jeugd on jeugd.regio_code = verwacht.regio_code and jeugd.jaar = verwacht.jaar and jeugd.code = 'jeugdzorg'
)

{% set iv3 = "'CBS Iv3 (onbewerkte data gemeenten); CBS Kerncijfers wijken en buurten'" %}
{% set flags = {'is_voorlopig': 'is_voorlopig', 'is_synthetisch': 'is_synthetisch'} %}
select {{ indicator_row('LASTEN_PER_INWONER', 'regio_code', 'periode', teller='realisatie', noemer='inwoners',
        uitsplitsing='groep', uitsplitsing_naam='groep_naam', bron=iv3, **flags) }}
from per_groep
union all
select {{ indicator_row('LASTEN_PER_INWONER_REEEL', 'regio_code', 'periode', teller='realisatie * naar_prijzen_doeljaar',
        noemer='inwoners', uitsplitsing='groep', uitsplitsing_naam='groep_naam', bron=iv3[:-1] ~ "; CBS CPI'", **flags) }}
from per_groep
union all
select {{ indicator_row('BEGROTING_AFWIJKING_PCT', 'regio_code', 'periode', teller='realisatie - begroting',
        noemer='begroting', uitsplitsing='groep', uitsplitsing_naam='groep_naam', bron=iv3, **flags) }}
from per_groep
union all
select {{ indicator_row('LASTEN_PER_CLIENT', 'trendgroepen.regio_code', 'trendgroepen.periode',
        teller='trendgroepen.wmo_maatwerk', noemer='inwoners.wmo_clienten', aantal_clienten='inwoners.wmo_clienten',
        uitsplitsing="'wmo'", uitsplitsing_naam="'Wmo-maatwerk per Wmo-cliënt'", bron=iv3,
        is_voorlopig='trendgroepen.is_voorlopig', is_synthetisch='trendgroepen.is_synthetisch') }}
from trendgroepen
inner join inwoners using (regio_code, jaar)
union all
select {{ indicator_row('LASTEN_PER_CLIENT', 'trendgroepen.regio_code', 'trendgroepen.periode',
        teller='trendgroepen.jeugdhulp', noemer='inwoners.jongeren_met_jeugdzorg',
        aantal_clienten='inwoners.jongeren_met_jeugdzorg', uitsplitsing="'jeugd'",
        uitsplitsing_naam="'Jeugdhulp per jongere met jeugdzorg'", bron=iv3,
        is_voorlopig='trendgroepen.is_voorlopig', is_synthetisch='trendgroepen.is_synthetisch') }}
from trendgroepen
inner join inwoners using (regio_code, jaar)
union all
select {{ indicator_row('LASTEN_SPORT_PER_INWONER', 'regio_code', 'periode', teller='sport', noemer='inwoners',
        bron=iv3, **flags) }}
from trendgroepen
union all
select {{ indicator_row('LASTEN_SAMENKRACHT_PER_INWONER', 'regio_code', 'periode', teller='samenkracht',
        noemer='inwoners', bron=iv3, **flags) }}
from trendgroepen
union all
select {{ indicator_row('PREVENTIE_RATIO', 'regio_code', 'periode', teller='samenkracht + toegang',
        noemer='maatwerk_en_escalatie', bron=iv3, **flags) }}
from trendgroepen
union all
select {{ indicator_row('WMO_KOSTEN_PER_INWONER', 'cbs_wmo.regio_code', 'inwoners.periode', teller='cbs_wmo.uitgaven',
        noemer='inwoners.inwoners', uitsplitsing='cbs_wmo.code', uitsplitsing_naam='cbs_wmo.naam',
        bron="'CBS Gemeentelijke uitgaven Wmo-maatwerkvoorzieningen; CBS Kerncijfers wijken en buurten'",
        is_voorlopig='cbs_wmo.is_voorlopig', is_synthetisch='cbs_wmo.is_synthetisch') }}
from cbs_wmo
inner join inwoners using (regio_code, jaar)
union all
select {{ indicator_row('WMO_KOSTEN_PER_CLIENT', 'cbs_wmo.regio_code', 'inwoners.periode', teller='cbs_wmo.uitgaven',
        noemer='inwoners.wmo_clienten', aantal_clienten='inwoners.wmo_clienten',
        bron="'CBS Gemeentelijke uitgaven Wmo-maatwerkvoorzieningen; CBS Kerncijfers wijken en buurten'",
        is_voorlopig='cbs_wmo.is_voorlopig', is_synthetisch='cbs_wmo.is_synthetisch') }}
from cbs_wmo
inner join inwoners using (regio_code, jaar)
where cbs_wmo.code = 'totaal'
union all
select {{ indicator_row('JEUGDZORG_KOSTEN_PER_INWONER', 'cbs_jeugd.regio_code', 'inwoners.periode',
        teller='cbs_jeugd.kosten', noemer='inwoners.inwoners', uitsplitsing='cbs_jeugd.code',
        uitsplitsing_naam='cbs_jeugd.naam', bron="'CBS Gemeentelijke kosten jeugdzorg; CBS Kerncijfers wijken en buurten'",
        is_voorlopig='cbs_jeugd.is_voorlopig', is_synthetisch='cbs_jeugd.is_synthetisch') }}
from cbs_jeugd
inner join inwoners using (regio_code, jaar)
union all
select {{ indicator_row('JEUGDZORG_KOSTEN_PER_CLIENT', 'cbs_jeugd.regio_code', 'inwoners.periode',
        teller='cbs_jeugd.kosten', noemer='inwoners.jongeren_met_jeugdzorg',
        aantal_clienten='inwoners.jongeren_met_jeugdzorg',
        bron="'CBS Gemeentelijke kosten jeugdzorg; CBS Kerncijfers wijken en buurten'",
        is_voorlopig='cbs_jeugd.is_voorlopig', is_synthetisch='cbs_jeugd.is_synthetisch') }}
from cbs_jeugd
inner join inwoners using (regio_code, jaar)
where cbs_jeugd.code = 'jeugdzorg'
union all
select {{ indicator_row('WMO_KOSTEN_WERKELIJK_VERWACHT', 'regio_code', 'periode', teller='wmo_prijzen_2022',
        noemer='verwachte_wmo_kosten',
        bron="'CBS Gemeentelijke uitgaven Wmo; CBS Bevolking naar leeftijd; CPB leeftijdsprofielen 2022; CBS CPI'",
        **flags) }}
from werkelijk_verwacht
union all
select {{ indicator_row('JEUGD_KOSTEN_WERKELIJK_VERWACHT', 'regio_code', 'periode', teller='jeugd_prijzen_2022',
        noemer='verwachte_jeugd_kosten',
        bron="'CBS Gemeentelijke kosten jeugdzorg; CBS Bevolking naar leeftijd; CPB leeftijdsprofielen 2022; CBS CPI'",
        **flags) }}
from werkelijk_verwacht
