-- Care use from the gemeente's own care data (iWmo/iJw messages and the case-system export), per gemeente and
-- wijk per year, split by product category (`wmo:01`, `jeugd:45`) and all care of a law (`wmo:totaal`); the
-- referral mix by referrer group (`jeugd:huisarts`). A client is placed in the wijk where they lived that year
-- (int_zorgclienten_wijk_per_jaar); a client without a wijk counts for the gemeente only. Years are those the
-- data cover (int_zorg_dekking); a year that had not ended on the data's peildatum is provisional.
--
-- Rates keep their numerator and denominator (inhabitants of the same region and year, CBS Kerncijfers; also for
-- Jeugd, so that one unit holds for every category and Wmo and Jeugd add up); medians are values with the number
-- of clients behind them. Costs are invoice lines (323) net of credits, without the lines the gemeente rejected
-- (325, matched on provider, declaration and line reference), per client with a net amount above zero.
-- Every input is a table of clients or client-years (the invoice lines are summed per client and year in
-- int_zorgkosten_per_client_jaar). int_indicator__zorg_eigen is this table without the four columns below.
--
-- Incremental per gemeente, year and part (gemeente_code, jaar: the gemeente whose clients a row counts, and its
-- year; onderdeel: the indicators that read the same inputs: clienten, perioden, aanvragen, kosten): a build
-- recomputes those whose inputs changed and keeps the rest. invoer_vingerafdruk is the fingerprint of their
-- inputs (macro zorg_eigen_fingerprints: a sum of hashes of every input row the part reads for that gemeente and
-- year, and of the tables every part reads); one whose fingerprint differs from the stored one (or that has none
-- on either side) is deleted and computed again. Compared, not derived from the loads: a corrected export of one
-- gemeente moves that gemeente's years only, a late stop the years it touches, whatever model it passed. A new
-- half year moves the client counts of every year (outflow counts a client's last period, so a client back in
-- care is no longer outflow in the year their earlier care ended); the other parts (the heavy ones: medians,
-- costs per client) only in the years the new care, requests, invoices and peildatum reach.
{{ config(
    materialized='incremental', incremental_strategy='append', on_schema_change='fail',
    pre_hook="{{ replace_changed_partitions() }}"
) }}

with fingerprints as (  -- the gemeenten, years and parts computed: every one, or those whose inputs changed
    {% if is_incremental() -%}
    select * from herberekende_partities where invoer_vingerafdruk is not null
    {%- else -%}
    {{ zorg_eigen_fingerprints() }}
    {%- endif %}
),

coverage as (
    select * from {{ ref('int_zorg_dekking') }}
),

coverage_years as (
    -- a year that had not ended on the peildatum is provisional
    select gemeente_code, wet, years.jaar, peildatum < make_date(years.jaar, 12, 31) as is_voorlopig
    from coverage
    cross join unnest(range(coverage.eerste_jaar, coverage.laatste_jaar + 1)) as years(jaar)
),

locations as (
    select gemeente_code, {{ client_key('client_id') }} as client_id, jaar, wijk_code
    from {{ ref('int_zorgclienten_wijk_per_jaar') }}
),

inhabitants as (
    select regio_code, jaar, inwoners, is_voorlopig
    from {{ ref('int_kerncijfers_per_regio_jaar') }}
    where inwoners > 0
),

-- clients, inflow and outflow: each client-year counts for its gemeente and its wijk. Counted per gemeente and
-- wijk first, then added up per region: the client-years are the model's largest input (18M rows at 50M invoice
-- lines), and counting them once is cheaper than sending each to two regions first (68 s for the model instead
-- of 75 s at 50M).
client_counts_per_wijk as (
    select
        gemeente_code, wijk_code, jaar, uitsplitsing,
        count(*)                                     as clienten,
        count(*) filter (where is_instroom)          as instroom,
        bool_and(is_instroom is not null)            as instroom_bekend,
        count(*) filter (where is_uitstroom)         as uitstroom,
        bool_or(is_voorlopig)                        as is_voorlopig,
        bool_or(is_synthetisch)                      as is_synthetisch
    from {{ ref('int_zorgclienten_per_jaar') }}
    where {{ in_computed_partitions('clienten', 'gemeente_code', 'jaar') }}
    group by all
),

client_counts as (
    select
        per_wijk.gemeente_code, regio.regio_code, jaar, uitsplitsing,
        sum(clienten)::bigint                        as clienten,
        sum(instroom)::bigint                        as instroom,
        bool_and(instroom_bekend)                    as instroom_bekend,
        sum(uitstroom)::bigint                       as uitstroom,
        bool_or(is_voorlopig)                        as is_voorlopig,
        bool_or(is_synthetisch)                      as is_synthetisch
    from client_counts_per_wijk as per_wijk
    cross join unnest([per_wijk.gemeente_code, per_wijk.wijk_code]) as regio(regio_code)
    where regio.regio_code is not null
    group by all
),

-- days per care period: its duration, in the year it ended (on or before the peildatum), and the time from the
-- allocation to the start of care, in the year care started (macro counted_periods, which the fingerprint reads too)
period_days as (
    select
        indicator_code, gemeente_code, wet, {{ client_key('client_id') }} as client_id, uitsplitsing, jaar, dagen,
        is_synthetisch
    from ({{ counted_periods(only_computed=true) }}) as periods
),

-- A median and a count of distinct clients are aggregated apart: DuckDB keeps a median's values in memory, and a
-- distinct count of pseudonyms beside it in the same aggregate needed more than 3 GB at 10M invoice lines; on its
-- own the distinct count is an ordinary grouping, which spills to disk. The facts are computed once per use
-- (not materialized: a copy of them would be held in memory).
period_facts as not materialized (
    {{ per_regio_en_jaar('period_days', 'facts.jaar') }}
),

medians as (
    select per_group.*, clients.clienten
    from (
        select
            indicator_code, gemeente_code, regio_code, jaar, uitsplitsing,
            median(dagen)                 as waarde,
            bool_or(is_voorlopig)         as is_voorlopig,
            bool_or(is_synthetisch)       as is_synthetisch
        from period_facts
        group by all
    ) as per_group
    inner join ({{ distinct_clients('period_facts', 'indicator_code, gemeente_code, regio_code, jaar, uitsplitsing') }})
        as clients using (indicator_code, gemeente_code, regio_code, jaar, uitsplitsing)
),

-- requests (315): one per client, product category and referrer group per year
requests as (
    select distinct
        aanvragen.gemeente_code,
        aanvragen.wet,
        {{ client_key('aanvragen.client_id') }}                       as client_id,
        year(aanvragen.dagtekening)                                  as jaar,
        aanvragen.product_categorie,
        coalesce(verwijzers.verwijzer_code, 'onbekend')              as verwijzer_code,
        coalesce(verwijzers.naam, 'Verwijzer onbekend')              as verwijzer_naam,
        aanvragen.is_synthetisch
    from {{ ref('stg_zorg__aanvragen') }} as aanvragen
    left join {{ ref('verwijzers') }} as verwijzers on verwijzers.verwijzer_type = aanvragen.verwijzer_type
    where {{ in_computed_partitions('aanvragen', 'aanvragen.gemeente_code', 'year(aanvragen.dagtekening)') }}
),

request_facts as not materialized (
    {{ per_regio_en_jaar('requests', 'facts.jaar') }}
),

referrals as (
    select *, sum(verzoeken) over (partition by regio_code, jaar, wet) as alle_verzoeken
    from (
        select requests_per_group.*, clients.clienten
        from (
            select
                gemeente_code, regio_code, jaar, wet, verwijzer_code,
                any_value(verwijzer_naam)         as verwijzer_naam,
                count(*)                          as verzoeken,
                bool_or(is_voorlopig)             as is_voorlopig,
                bool_or(is_synthetisch)           as is_synthetisch
            from request_facts
            group by gemeente_code, regio_code, jaar, wet, verwijzer_code
        ) as requests_per_group
        inner join ({{ distinct_clients('request_facts', 'gemeente_code, regio_code, jaar, wet, verwijzer_code') }})
            as clients using (gemeente_code, regio_code, jaar, wet, verwijzer_code)
    )
),

-- invoiced care: net amount per client, uitsplitsing and year, without the lines the gemeente rejected; the
-- lines are summed per client, year and product category once (int_zorgkosten_per_client_jaar, incremental),
-- here per category and per law
client_costs as (
    select
        gemeente_code, wet, {{ client_key('client_id') }} as client_id, jaar, groep.uitsplitsing,
        sum(bedrag)             as bedrag,
        bool_or(is_synthetisch) as is_synthetisch
    from {{ ref('int_zorgkosten_per_client_jaar') }}
    cross join unnest([wet || ':' || product_categorie, wet || ':totaal']) as groep(uitsplitsing)
    where groep.uitsplitsing is not null
        and {{ in_computed_partitions('kosten', 'gemeente_code', 'jaar') }}
    group by all
),

costs as (
    select
        gemeente_code, regio_code, jaar, uitsplitsing,
        sum(bedrag)                            as bedrag,
        count(*) filter (where bedrag > 0)     as clienten,
        bool_or(is_voorlopig)                  as is_voorlopig,
        bool_or(is_synthetisch)                as is_synthetisch
    from ({{ per_regio_en_jaar('client_costs', 'facts.jaar') }})
    group by all
),

labelled as (
    -- every uitsplitsing with its Dutch name: "Wmo: Begeleiding", "Jeugd: alle productcategorieën"
    select
        uitsplitsing,
        case split_part(uitsplitsing, ':', 1) when 'wmo' then 'Wmo' else 'Jeugd' end || ': ' || coalesce(
            categories.naam,
            case when split_part(uitsplitsing, ':', 2) = 'totaal' then 'alle productcategorieën' end,
            'productcategorie ' || split_part(uitsplitsing, ':', 2)
        ) as uitsplitsing_naam
    from (select uitsplitsing from client_counts union select uitsplitsing from medians union select uitsplitsing from costs)
    left join (
        select wet || ':' || productcategorie as uitsplitsing, naam from {{ ref('productcategorieen') }}
    ) as categories using (uitsplitsing)
),

indicator_rows as (

{% set bron = "'iWmo/iJw-berichten en zorgexport gemeente'" %}
{% for indicator, count in [('EIGEN_CLIENTEN_PER_1000', 'clienten'), ('EIGEN_INSTROOM_PER_1000', 'instroom'),
                            ('EIGEN_UITSTROOM_PER_1000', 'uitstroom')] %}
select {{ indicator_row(indicator, 'c.regio_code', "c.jaar || 'JJ00'", teller='c.' ~ count, noemer='i.inwoners',
        aantal_clienten='c.' ~ count, uitsplitsing='c.uitsplitsing', uitsplitsing_naam='l.uitsplitsing_naam',
        is_voorlopig='c.is_voorlopig or i.is_voorlopig', is_synthetisch='c.is_synthetisch',
        bron="'iWmo/iJw-berichten en zorgexport gemeente; CBS Kerncijfers wijken en buurten'") }}
    , c.gemeente_code, c.jaar, 'clienten' as onderdeel
from client_counts as c
inner join inhabitants as i using (regio_code, jaar)
inner join labelled as l using (uitsplitsing)
{% if count == 'instroom' %}where c.instroom_bekend{% endif %}
union all
{% endfor %}
{% for indicator in ['EIGEN_ZORGDUUR_MEDIAAN_DAGEN', 'EIGEN_DOORLOOPTIJD_DAGEN'] %}
select {{ indicator_row(indicator, 'm.regio_code', "m.jaar || 'JJ00'", waarde='m.waarde', aantal_clienten='m.clienten',
        uitsplitsing='m.uitsplitsing', uitsplitsing_naam='l.uitsplitsing_naam', is_voorlopig='m.is_voorlopig',
        is_synthetisch='m.is_synthetisch', bron=bron) }}
    , m.gemeente_code, m.jaar, 'perioden' as onderdeel
from medians as m
inner join labelled as l using (uitsplitsing)
where m.indicator_code = '{{ indicator }}'
union all
{% endfor %}
select {{ indicator_row('EIGEN_VERWIJZING_PCT', 'r.regio_code', "r.jaar || 'JJ00'", teller='r.verzoeken',
        noemer='r.alle_verzoeken', aantal_clienten='r.clienten', uitsplitsing="r.wet || ':' || r.verwijzer_code",
        uitsplitsing_naam="case r.wet when 'wmo' then 'Wmo' else 'Jeugd' end || ': ' || r.verwijzer_naam",
        is_voorlopig='r.is_voorlopig', is_synthetisch='r.is_synthetisch', bron=bron) }}
    , r.gemeente_code, r.jaar, 'aanvragen' as onderdeel
from referrals as r
union all
select {{ indicator_row('EIGEN_KOSTEN_PER_CLIENT', 'k.regio_code', "k.jaar || 'JJ00'", teller='k.bedrag',
        noemer='k.clienten', aantal_clienten='k.clienten', uitsplitsing='k.uitsplitsing',
        uitsplitsing_naam='l.uitsplitsing_naam', is_voorlopig='k.is_voorlopig', is_synthetisch='k.is_synthetisch',
        bron=bron) }}
    , k.gemeente_code, k.jaar, 'kosten' as onderdeel
from costs as k
inner join labelled as l using (uitsplitsing)
where k.clienten > 0
)

select indicator_rows.*, fingerprints.invoer_vingerafdruk
from indicator_rows
inner join fingerprints using (gemeente_code, jaar, onderdeel)
