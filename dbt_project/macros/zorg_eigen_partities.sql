{#- For int_zorg_eigen_per_gemeente_jaar, incremental per gemeente and year (see its header). -#}

{#- The fingerprint of each gemeente and year's inputs (gemeente_code, jaar, invoer_vingerafdruk): the sum of a
    hash of every input row the indicators of that gemeente and year read (the columns they read; a row counts
    in the year the indicators place it in, and a period in both years it can count in), plus a hash of the
    tables every gemeente and year reads (inhabitants, the code lists). A sum, so the order of rows does not
    matter and a row added, removed or changed changes it (up to a hash collision, 2^-64 per change). #}
{% macro zorg_eigen_fingerprints() %}
    select gemeente_code, jaar, sum(rij_hash::hugeint) + any_value(gedeeld.vingerafdruk) as invoer_vingerafdruk
    from (
        select gemeente_code, jaar,
            hash('clientjaar', wet, uitsplitsing, client_id, is_voorlopig, is_instroom, is_uitstroom, wijk_code,
                 is_synthetisch) as rij_hash
        from {{ ref('int_zorgclienten_per_jaar') }}
        union all
        select gemeente_code, unnest([year(einddatum), year(startbericht_datum)]),
            hash('periode', wet, uitsplitsing, client_id, begindatum, einddatum, startbericht_datum,
                 toewijzing_dagtekening, is_synthetisch)
        from {{ ref('int_zorgperiodes') }}
        union all
        select gemeente_code, jaar, hash('locatie', client_id, wijk_code)
        from {{ ref('int_zorgclienten_wijk_per_jaar') }}
        union all
        select gemeente_code, year(dagtekening),
            hash('aanvraag', wet, client_id, product_categorie, verwijzer_type, is_synthetisch)
        from {{ ref('stg_zorg__aanvragen') }}
        union all
        select gemeente_code, jaar, hash('kosten', wet, client_id, product_categorie, bedrag, is_synthetisch)
        from {{ ref('int_zorgkosten_per_client_jaar') }}
        union all
        select gemeente_code, unnest(range(eerste_jaar, laatste_jaar + 1)),
            hash('dekking', wet, peildatum, eerste_jaar, laatste_jaar)
        from {{ ref('int_zorg_dekking') }}
    ) as rows
    cross join (
        select
            (select coalesce(sum(hash(regio_code, jaar, inwoners, is_voorlopig)::hugeint), 0)
             from {{ ref('int_kerncijfers_per_regio_jaar') }})
            + (select coalesce(sum(hash(wet, productcategorie, naam)::hugeint), 0) from {{ ref('productcategorieen') }})
            + (select coalesce(sum(hash(verwijzer_type, verwijzer_code, naam)::hugeint), 0) from {{ ref('verwijzers') }})
            as vingerafdruk
    ) as gedeeld
    where rows.jaar is not null
    group by all
{% endmacro %}

{#- pre_hook: in an incremental build, keep the gemeenten and years whose fingerprint changed (temp table
    herberekende_partities, with the new fingerprint; NULL for one without inputs now) and delete their rows. #}
{% macro replace_changed_partitions() %}
    {%- if is_incremental() -%}
        create or replace temp table herberekende_partities as
        select gemeente_code, jaar, fresh.invoer_vingerafdruk
        from ({{ zorg_eigen_fingerprints() }}) as fresh
        full join (select distinct gemeente_code, jaar, invoer_vingerafdruk from {{ this }}) as stored
            using (gemeente_code, jaar)
        where fresh.invoer_vingerafdruk is distinct from stored.invoer_vingerafdruk;
        delete from {{ this }} where (gemeente_code, jaar) in (select gemeente_code, jaar from herberekende_partities)
    {%- endif -%}
{% endmacro %}

{#- A row's gemeente and year are among those this build computes: in an incremental build those whose
    fingerprint changed; in a full build every one, so no filter (a filter on the full build's fingerprints,
    which read every input, made DuckDB hold them in memory beside the model's hash tables: out of memory at 10M
    invoice lines within 3 GB). -#}
{% macro in_computed_partitions(gemeente, jaar) -%}
    {%- if is_incremental() -%}
        ({{ gemeente }}, {{ jaar }}) in (select gemeente_code, jaar from fingerprints)
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}
