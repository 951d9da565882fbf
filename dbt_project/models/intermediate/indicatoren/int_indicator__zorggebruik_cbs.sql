-- Care use and context from CBS, per gemeente and wijk, on each year's own classification (fct_indicator
-- converts them to the target classification). Numerators and denominators are kept, never rates alone. Types of
-- Wmo provision, forms of youth care and referrers are categories of a CBS dimension, mapped by key
-- (int_cbs_categorieen). A Kerncijfers edition without Wmo or jeugdzorg topics gives no rows for them.
with kerncijfers as (
    select *, jaar || 'JJ00' as periode
    from {{ ref('int_kerncijfers_per_regio_jaar') }}
    where soort_regio in ('gemeente', 'wijk')
),

categorie as (
    select * from {{ ref('int_cbs_categorieen') }}
),

wmo_types as (
    -- the year (the tables hold half years too)
    select
        wmo.regio_code, wmo.periode, wmo.jaar, categorie.code, categorie.naam,
        wmo.waarde as clienten, wmo.is_voorlopig, wmo.is_synthetisch
    from {{ ref('stg_cbs__wmo_clienten_type_wijk') }} as wmo
    inner join categorie on categorie.dimensie = 'voorziening' and categorie.cbs_sleutel = wmo.voorziening_sleutel
    where wmo.maat = 'WmoClienten' and wmo.periode_soort = 'JJ' and categorie.code <> 'totaal'
),

jeugd_halfjaar as (
    -- all forms of youth care together
    select jeugd.regio_code, jeugd.periode, jeugd.jaar, jeugd.waarde as jongeren_met_jeugdzorg, jeugd.is_voorlopig,
           jeugd.is_synthetisch
    from {{ ref('stg_cbs__jeugdzorg_gemeente') }} as jeugd
    inner join categorie on categorie.dimensie = 'vorm_gemeente' and categorie.cbs_sleutel = jeugd.vorm_sleutel
    where jeugd.maat = 'JongerenMetJeugdzorg' and jeugd.periode_soort = 'HJ' and categorie.code = 'jeugdzorg'
),

verwijzers as (
    select
        trajecten.regio_code, trajecten.periode, categorie.code, categorie.naam, trajecten.waarde as trajecten,
        sum(trajecten.waarde) over (partition by trajecten.regio_code, trajecten.periode) as alle_trajecten,
        -- a secret referrer makes the total unknown too
        count(*) over (partition by trajecten.regio_code, trajecten.periode)
            = count(trajecten.waarde) over (partition by trajecten.regio_code, trajecten.periode) as totaal_bekend,
        trajecten.is_voorlopig, trajecten.is_synthetisch
    from {{ ref('stg_cbs__jeugdhulp_verwijzer') }} as trajecten
    inner join categorie on categorie.dimensie = 'verwijzer' and categorie.cbs_sleutel = trajecten.verwijzer_sleutel
)

{% set kwb_bron = "'CBS Kerncijfers wijken en buurten'" %}
select {{ indicator_row('WMO_CLIENTEN_PER_1000', 'regio_code', 'periode', teller='wmo_clienten', noemer='inwoners',
        aantal_clienten='wmo_clienten', is_voorlopig='is_voorlopig', is_synthetisch='is_synthetisch', bron=kwb_bron) }}
from kerncijfers
where wmo_gepubliceerd
union all
select {{ indicator_row('JEUGDZORG_PCT', 'regio_code', 'periode', teller='jongeren_met_jeugdzorg',
        noemer='jongeren_afgeleid', aantal_clienten='jongeren_met_jeugdzorg', is_voorlopig='is_voorlopig',
        is_synthetisch='is_synthetisch', bron=kwb_bron) }}
from kerncijfers
where jeugdzorg_gepubliceerd
union all
select {{ indicator_row('BIJSTAND_PER_1000', 'regio_code', 'periode', teller='personen_met_bijstand',
        noemer='inwoners', aantal_clienten='personen_met_bijstand', is_voorlopig='is_voorlopig',
        is_synthetisch='is_synthetisch', bron=kwb_bron) }}
from kerncijfers
union all
select {{ indicator_row('INWONERS', 'regio_code', 'periode', teller='inwoners', is_voorlopig='is_voorlopig',
        is_synthetisch='is_synthetisch', bron=kwb_bron) }}
from kerncijfers
union all
select {{ indicator_row('PCT_65_PLUS', 'regio_code', 'periode', teller='inwoners_65_plus', noemer='inwoners',
        is_voorlopig='is_voorlopig', is_synthetisch='is_synthetisch', bron=kwb_bron) }}
from kerncijfers
union all
select {{ indicator_row('WMO_TYPE_PER_1000', 'wmo_types.regio_code', 'wmo_types.periode', teller='wmo_types.clienten',
        noemer='kerncijfers.inwoners', aantal_clienten='wmo_types.clienten', uitsplitsing='wmo_types.code',
        uitsplitsing_naam='wmo_types.naam', is_voorlopig='wmo_types.is_voorlopig',
        is_synthetisch='wmo_types.is_synthetisch',
        bron="'CBS Wmo-cliënten naar type maatwerkvoorziening; CBS Kerncijfers wijken en buurten'") }}
from wmo_types
inner join kerncijfers using (regio_code, jaar)
union all
select {{ indicator_row('JEUGDZORG_HALFJAAR_PER_1000', 'jeugd_halfjaar.regio_code', 'jeugd_halfjaar.periode',
        teller='jeugd_halfjaar.jongeren_met_jeugdzorg', noemer='kerncijfers.jongeren_afgeleid',
        aantal_clienten='jeugd_halfjaar.jongeren_met_jeugdzorg', is_voorlopig='jeugd_halfjaar.is_voorlopig',
        is_synthetisch='jeugd_halfjaar.is_synthetisch',
        bron="'CBS Jongeren met jeugdzorg per half jaar; CBS Kerncijfers wijken en buurten'") }}
from jeugd_halfjaar
inner join kerncijfers using (regio_code, jaar)
where kerncijfers.jongeren_afgeleid is not null  -- no rate without the number of youths
union all
select {{ indicator_row('VERWIJZING_PCT', 'regio_code', 'periode', teller='trajecten',
        noemer='case when totaal_bekend then alle_trajecten end', aantal_clienten='trajecten', uitsplitsing='code',
        uitsplitsing_naam='naam', is_voorlopig='is_voorlopig', is_synthetisch='is_synthetisch',
        bron="'CBS Jeugdhulptrajecten naar verwijzer'") }}
from verwijzers
union all
select {{ indicator_row('VERWIJZING_GEMEENTE_PCT', 'regio_code', 'periode', teller='trajecten',
        noemer='case when totaal_bekend then alle_trajecten end', aantal_clienten='alle_trajecten',
        is_voorlopig='is_voorlopig', is_synthetisch='is_synthetisch', bron="'CBS Jeugdhulptrajecten naar verwijzer'") }}
from verwijzers
where code = 'gemeente'
