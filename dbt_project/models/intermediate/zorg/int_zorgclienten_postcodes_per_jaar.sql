-- A care client's postcodes per year: one row per gemeente x client x calendar year in which the client has a
-- care message or export row (dated in the year, or beginning in it), with the latest and the earliest postcode
-- on the client's rows dated in that year (two postcodes on one day: postcode order; NULL: none that year). The
-- one pass over every message line that int_zorgclienten_wijk_per_jaar needs to place clients in a wijk.
--
-- Incremental, per client and year: a build recomputes every row of each client-year a load since the last build
-- touched (macro touched_postcode_years: the years the loads' rows, and the rows they replaced, are dated and
-- begin in). That key is sufficient: a client-year's row is computed from that client's rows dated or beginning
-- in that year in that gemeente only.
{{ config(
    materialized='incremental', incremental_strategy='append', on_schema_change='fail',
    pre_hook=["{{ replace_touched({'herberekende_postcodejaren': touched_postcode_years()},
                                  '(gemeente_code, client_id, jaar) in (from herberekende_postcodejaren)') }}",
              "{{ set_first_recomputed_day('postcodes_vanaf', 'herberekende_postcodejaren') }}"]
) }}

with lines as (
    select gemeente_code, client_id, dagtekening, begindatum, postcode, loaded_at
    from {{ ref('stg_zorg__berichtregels') }}
    where client_id is not null
    {% if is_incremental() -%}
        -- the rows of a recomputed year, and others of those clients (their years are left out below)
        and ((gemeente_code, client_id, year(dagtekening)) in (from herberekende_postcodejaren)
            or (gemeente_code, client_id, year(begindatum)) in (from herberekende_postcodejaren))
        -- the same rows, older years skipped first (macro set_first_recomputed_day)
        and (dagtekening >= getvariable('postcodes_vanaf') or begindatum >= getvariable('postcodes_vanaf'))
    {%- endif %}
),

dated as (
    select
        gemeente_code,
        client_id,
        year(dagtekening)                                                           as jaar,
        arg_max(postcode, struct_pack(d := dagtekening, p := postcode)) filter (where postcode is not null)
                                                                                    as laatste_postcode,
        arg_min(postcode, struct_pack(d := dagtekening, p := postcode)) filter (where postcode is not null)
                                                                                    as eerste_postcode,
        max(loaded_at)                                                              as loaded_at
    from lines
    group by all
),

beginning as (
    select gemeente_code, client_id, year(begindatum) as jaar, max(loaded_at) as loaded_at
    from lines
    where begindatum is not null
    group by all
)

select
    gemeente_code,
    client_id,
    jaar,
    dated.laatste_postcode,
    dated.eerste_postcode,
    greatest(dated.loaded_at, beginning.loaded_at) as loaded_at
from dated
full join beginning using (gemeente_code, client_id, jaar)
{% if is_incremental() -%}
where (gemeente_code, client_id, jaar) in (from herberekende_postcodejaren)
{%- endif %}
