{#- For int_zorg_eigen_per_gemeente_jaar, incremental per gemeente, year and part (see its header). -#}

{#- The fingerprint of each gemeente, year and part (onderdeel) of the indicators (gemeente_code, jaar, onderdeel,
    invoer_vingerafdruk): the sum of a hash of every input row that part reads for that gemeente and year (the
    columns it reads; a row counts in the year the part places it in), plus a hash of the tables every part reads
    (inhabitants, the code lists). A sum, so the order of rows does not matter and a row added, removed or changed
    changes it (up to a hash collision, 2^-64 per change).

    The parts read different inputs, so each moves alone: 'clienten' (clients, inflow, outflow) the client-years;
    'perioden' (durations, lead times) the days as they count (macro counted_periods); 'aanvragen' (referrals) the
    requests; 'kosten' the net amounts per client and year. The last three also read the covered years (whether provisional)
    and the wijk of each client-year. Outflow counts a client's last period, so a new half year moves the client
    counts of every year; the other parts move in the years the new data and the peildatum reach. #}
{% macro zorg_eigen_fingerprints() %}
    with per_part as (
        select gemeente_code, jaar, onderdeel, sum(rij_hash::hugeint) as som
        from (
            select gemeente_code, jaar, 'clienten' as onderdeel,
                hash('clientjaar', wet, uitsplitsing, client_id, is_voorlopig, is_instroom, is_uitstroom, wijk_code,
                     is_synthetisch) as rij_hash
            from {{ ref('int_zorgclienten_per_jaar') }}
            union all
            select gemeente_code, jaar, 'perioden',
                hash(indicator_code, wet, uitsplitsing, client_id, dagen, is_synthetisch)
            from ({{ counted_periods() }}) as periods
            union all
            select gemeente_code, year(dagtekening), 'aanvragen',
                hash('aanvraag', wet, client_id, product_categorie, verwijzer_type, is_synthetisch)
            from {{ ref('stg_zorg__aanvragen') }}
            union all
            select gemeente_code, jaar, 'kosten', hash('kosten', wet, client_id, product_categorie, bedrag, is_synthetisch)
            from {{ ref('int_zorgkosten_per_client_jaar') }}
        ) as rows
        where jaar is not null
        group by all
    ),

    per_year as (  -- what 'perioden', 'aanvragen' and 'kosten' read beside their own rows
        select gemeente_code, jaar, sum(rij_hash::hugeint) as som
        from (
            select gemeente_code, jaar, hash('dekking', wet, jaar, peildatum < make_date(jaar, 12, 31)) as rij_hash
            from {{ ref('int_zorg_dekking') }}
            cross join unnest(range(eerste_jaar, laatste_jaar + 1)) as years(jaar)
            union all
            select gemeente_code, jaar, hash('locatie', client_id, wijk_code)
            from {{ ref('int_zorgclienten_wijk_per_jaar') }}
        )
        group by all
    ),

    shared as (
        select
            (select coalesce(sum(hash(regio_code, jaar, inwoners, is_voorlopig)::hugeint), 0)
             from {{ ref('int_kerncijfers_per_regio_jaar') }})
            + (select coalesce(sum(hash(wet, productcategorie, naam)::hugeint), 0) from {{ ref('productcategorieen') }})
            + (select coalesce(sum(hash(verwijzer_type, verwijzer_code, naam)::hugeint), 0) from {{ ref('verwijzers') }})
            as vingerafdruk
    )

    select
        per_part.gemeente_code, per_part.jaar, per_part.onderdeel,
        per_part.som + shared.vingerafdruk
            + case when per_part.onderdeel <> 'clienten' then coalesce(per_year.som, 0) else 0 end
            as invoer_vingerafdruk
    from per_part
    left join per_year using (gemeente_code, jaar)
    cross join shared
{% endmacro %}

{#- pre_hook: in an incremental build, keep the gemeenten, years and parts whose fingerprint changed (temp table
    herberekende_partities, with the new fingerprint; NULL for one without inputs now) and delete their rows. #}
{% macro replace_changed_partitions() %}
    {%- if is_incremental() -%}
        create or replace temp table herberekende_partities as
        select gemeente_code, jaar, onderdeel, fresh.invoer_vingerafdruk
        from ({{ zorg_eigen_fingerprints() }}) as fresh
        full join (select distinct gemeente_code, jaar, onderdeel, invoer_vingerafdruk from {{ this }}) as stored
            using (gemeente_code, jaar, onderdeel)
        where fresh.invoer_vingerafdruk is distinct from stored.invoer_vingerafdruk;
        delete from {{ this }}
        where (gemeente_code, jaar, onderdeel) in (select gemeente_code, jaar, onderdeel from herberekende_partities)
    {%- endif -%}
{% endmacro %}

{#- A row's gemeente and year are among those this build computes for a part: in an incremental build those
    whose fingerprint changed; in a full build every one, so no filter (a filter on the full build's fingerprints,
    which read every input, made DuckDB hold them in memory beside the model's hash tables: out of memory at 10M
    invoice lines within 3 GB). -#}
{% macro in_computed_partitions(onderdeel, gemeente, jaar) -%}
    {%- if is_incremental() -%}
        ({{ gemeente }}, {{ jaar }}) in (select gemeente_code, jaar from fingerprints where onderdeel = '{{ onderdeel }}')
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}


{#- The days 'perioden' counts (indicator_code, gemeente_code, wet, client_id, uitsplitsing, jaar, dagen,
    is_synthetisch), read by the indicators and by their fingerprint alike: a care period's duration once it ended
    on or before the peildatum, in the year it ended; the time from the allocation to the start of care, in the
    year care started (with a start report). only_computed: the model's own read, of the partitions it computes. -#}
{% macro counted_periods(only_computed=false) %}
    select
        'EIGEN_ZORGDUUR_MEDIAAN_DAGEN' as indicator_code, periods.gemeente_code, periods.wet, periods.client_id,
        periods.uitsplitsing, year(periods.einddatum) as jaar, periods.einddatum - periods.begindatum as dagen,
        periods.is_synthetisch
    from {{ ref('int_zorgperiodes') }} as periods
    inner join {{ ref('int_zorg_dekking') }} as coverage using (gemeente_code, wet)
    where periods.einddatum <= coverage.peildatum
        {%- if only_computed %}
        and {{ in_computed_partitions('perioden', 'periods.gemeente_code', 'year(periods.einddatum)') }}
        {%- endif %}
    union all
    select
        'EIGEN_DOORLOOPTIJD_DAGEN', gemeente_code, wet, client_id, uitsplitsing, year(startbericht_datum),
        startbericht_datum - toewijzing_dagtekening, is_synthetisch
    from {{ ref('int_zorgperiodes') }}
    where startbericht_datum is not null and toewijzing_dagtekening is not null
        {%- if only_computed %}
        and {{ in_computed_partitions('perioden', 'gemeente_code', 'year(startbericht_datum)') }}
        {%- endif %}
{% endmacro %}
