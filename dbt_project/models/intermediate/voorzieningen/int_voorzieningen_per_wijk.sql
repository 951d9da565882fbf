-- Voorzieningen in their wijk: the wijk code given in the list, else the wijk of the postcode (postcode table of
-- the peiljaar, or the nearest earlier year). wijk_bron says which; a voorziening without either keeps NULL.
with voorzieningen as (
    select * from {{ ref('stg_voorzieningen__voorzieningen') }}
),

postcodes as (
    select * from {{ ref('stg_postcodes__postcodes') }}
),

with_year as (
    select
        voorzieningen.*,
        coalesce(
            (select max(jaar) from postcodes where postcodes.jaar <= voorzieningen.peiljaar),
            (select min(jaar) from postcodes)
        ) as postcodetabel_jaar
    from voorzieningen
)

select
    with_year.* exclude (wijk_code),
    coalesce(with_year.wijk_code, postcodes.wijk_code) as wijk_code,
    case
        when with_year.wijk_code is not null then 'lijst'
        when postcodes.wijk_code is not null then 'postcode'
    end as wijk_bron
from with_year
left join postcodes
    on postcodes.jaar = with_year.postcodetabel_jaar
    and postcodes.postcode = with_year.postcode
