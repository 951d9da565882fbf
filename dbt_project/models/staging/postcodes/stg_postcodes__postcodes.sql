-- One row per PC6 postcode per classification year, from the latest table for that gemeente and year (a table
-- for one gemeente replaces only that gemeente's postcodes; loads before that rule had the year as their scope).
-- A postcode that spans several buurten (CBS's address-level file has one row per address) is placed where most
-- of its rows are.
with latest as (
    {{ latest_load_per_scope(source('raw', 'postcodes'), scope="gemeente_code || ':' || jaar") }}
),

counted as (
    select jaar, postcode, buurt_code, wijk_code, gemeente_code, count(*) as adressen, bool_or(is_synthetic) as is_synthetisch
    from latest
    group by all
)

select
    jaar,
    postcode,
    arg_max(buurt_code, struct_pack(n := adressen, b := buurt_code))    as buurt_code,
    arg_max(wijk_code, struct_pack(n := adressen, b := buurt_code))     as wijk_code,
    arg_max(gemeente_code, struct_pack(n := adressen, b := buurt_code)) as gemeente_code,
    sum(adressen)                                                       as adressen,
    bool_or(is_synthetisch)                                             as is_synthetisch
from counted
group by jaar, postcode
