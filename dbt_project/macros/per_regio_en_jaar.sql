{#- Own care data per region and year: the rows of `relation` (client-level facts with gemeente_code, wet,
    client_id) whose `year` is one the data cover (`coverage_years`: gemeente_code, wet, jaar, is_voorlopig), once
    with regio_code = the client's gemeente and once with the wijk the client lived in that year (`locations`:
    gemeente_code, client_id, jaar, wijk_code; none when the wijk is unknown). Used by int_indicator__zorg_eigen. -#}
{% macro per_regio_en_jaar(relation, year, coverage_years='coverage_years', locations='locations') %}
    select facts.*, regio.regio_code, coverage_years.is_voorlopig
    from {{ relation }} as facts
    inner join {{ coverage_years }} as coverage_years
        on coverage_years.gemeente_code = facts.gemeente_code
        and coverage_years.wet = facts.wet
        and coverage_years.jaar = {{ year }}
    left join {{ locations }} as locations
        on locations.gemeente_code = facts.gemeente_code
        and locations.client_id = facts.client_id
        and locations.jaar = {{ year }}
    cross join unnest([facts.gemeente_code, locations.wijk_code]) as regio(regio_code)
    where regio.regio_code is not null
{% endmacro %}

{#- The number of distinct clients (client_id) of `relation` per group of `keys` (a comma-separated column list),
    as a grouping of the distinct pairs: it spills to disk, where a count(distinct) inside a larger aggregate
    (beside a median) is held in memory. -#}
{% macro distinct_clients(relation, keys) %}
    select {{ keys }}, count(*) as clienten
    from (select distinct {{ keys }}, client_id from {{ relation }})
    group by all
{% endmacro %}

{#- A client's pseudonym (64 hexadecimal characters) as a 128-bit number, for the joins and distinct counts of
    int_zorg_eigen_per_gemeente_jaar: a hash table holds 16 bytes per client instead of the text's 80, which at
    10M invoice lines decides whether the model fits in DuckDB's 3 GB. Distinct pseudonyms stay distinct: two
    colliding in a 128-bit MD5 is as unlikely as in the pseudonym itself (2^-128). -#}
{% macro client_key(column) -%}
    md5_number({{ column }})
{%- endmacro %}
