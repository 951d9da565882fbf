-- Where a care client lived, per year the gemeente's own care data cover (int_zorg_dekking): one row per gemeente x
-- client x year. The postcode is the latest one on any of the client's care messages or export rows of that
-- gemeente dated on or before 31 December of the year (allocations and requests carry it; an address change
-- shows in the next message), else the earliest one known. The wijk is that postcode's in the postcode table of
-- the year (macro in_wijk), so the codes are those CBS publishes for that year; wijk_status says why a client has
-- no wijk. Every own-care indicator places a client in a wijk through this model.
with years as (
    select gemeente_code, unnest(range(min(eerste_jaar), max(laatste_jaar) + 1)) as jaar
    from {{ ref('int_zorg_dekking') }}
    group by gemeente_code
),

postcodes as (
    select gemeente_code, client_id, dagtekening, postcode
    from {{ ref('stg_zorg__berichtregels') }}
    where postcode is not null and client_id is not null
),

clients as (
    select distinct gemeente_code, client_id from {{ ref('stg_zorg__berichtregels') }} where client_id is not null
),

client_years as (
    select
        clients.gemeente_code,
        clients.client_id,
        years.jaar,
        coalesce(
            arg_max(postcodes.postcode, postcodes.dagtekening)
                filter (where postcodes.dagtekening <= make_date(years.jaar, 12, 31)),
            arg_min(postcodes.postcode, postcodes.dagtekening)
        ) as postcode
    from clients
    inner join years using (gemeente_code)
    left join postcodes using (gemeente_code, client_id)
    group by all
)

select * from ({{ in_wijk('client_years', 'postcode', 'jaar') }})
