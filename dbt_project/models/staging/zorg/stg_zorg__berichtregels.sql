-- Every product line of every message, each message counted once: a message delivered twice (or corrected
-- and re-sent with the same identification) keeps only its latest load. Amounts get their sign here: a credit
-- line (debet_credit = 'C') reverses an earlier debit line, so sums over lines are net amounts.
--
-- Incremental: a run reads only the loads that arrived since the last one and replaces the messages (scopes)
-- they deliver; `dbt build --full-refresh` rebuilds it from every load in raw, with the same rows.
{{ config(materialized='incremental', unique_key='bericht_sleutel', incremental_strategy='delete+insert',
          on_schema_change='fail') }}

with latest as (
    {{ latest_load_per_scope(source('raw', 'zorg')) }}
)

select
    wet,
    berichttype,
    bericht_id,
    replace_scope                                          as bericht_sleutel,
    dagtekening,
    gemeente_code,
    aanbieder,
    client_id,
    geboortejaar,
    postcode,
    toewijzing_nummer,
    product_categorie,
    product_code,
    begindatum,
    einddatum,
    volume,
    eenheid,
    frequentie,
    tarief                                                 as tarief_euro,
    bedrag                                                 as bedrag_euro_absoluut,
    debet_credit,
    case debet_credit when 'C' then -bedrag else bedrag end as bedrag_euro,
    declaratie_nummer,
    referentie_nummer,
    vorig_referentie_nummer,
    retourcodes,
    reden_beeindiging,
    verwijzer_type,
    status_aanlevering,
    {{ file_provenance() }}
from latest
