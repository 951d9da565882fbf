{#-
    Places the rows of `relation` in a wijk through a PC6 postcode: every column of `relation`, plus
    postcodetabel_jaar (the postcode table used: the one of `year`, or the nearest earlier year, or the first
    year for rows before it), wijk_code and buurt_code (NULL unless the postcode lies in the row's own gemeente)
    and wijk_status: 'gevonden', or why there is no wijk. `year` is an SQL expression over the relation's columns;
    the codes are those of that classification year, as CBS publishes them. No row is dropped.
-#}
{% macro in_wijk(relation, postcode, year, gemeente='gemeente_code') %}
    with table_years as (
        -- named apart: a `year` of `jaar` would otherwise mean this table's column, and every row would get the
        -- latest table
        select distinct jaar as tabel_jaar from {{ ref('stg_postcodes__postcodes') }}
    ),

    dated as (
        select
            rows_.*,
            coalesce(
                (select max(tabel_jaar) from table_years where tabel_jaar <= {{ year }}),
                (select min(tabel_jaar) from table_years)
            ) as postcodetabel_jaar
        from {{ relation }} as rows_
    )

    select
        dated.*,
        case when postcodes.gemeente_code = dated.{{ gemeente }} then postcodes.wijk_code end  as wijk_code,
        case when postcodes.gemeente_code = dated.{{ gemeente }} then postcodes.buurt_code end as buurt_code,
        case
            when dated.{{ postcode }} is null then 'geen postcode'
            when postcodes.postcode is null then 'postcode niet in postcodetabel'
            when postcodes.gemeente_code <> dated.{{ gemeente }} then 'postcode buiten de gemeente'
            else 'gevonden'
        end as wijk_status
    from dated
    left join {{ ref('stg_postcodes__postcodes') }} as postcodes
        on postcodes.jaar = dated.postcodetabel_jaar
        and postcodes.postcode = dated.{{ postcode }}
{% endmacro %}
