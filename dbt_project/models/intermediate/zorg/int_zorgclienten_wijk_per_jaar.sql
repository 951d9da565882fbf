-- Where a care client lived: one row per gemeente x client x year the gemeente's own care data cover
-- (int_zorg_dekking) in which the client was in care (int_zorgperiodes) or has a care message or export row
-- (dated or beginning in the year): every year an own-care indicator can count the client in. The postcode is the
-- latest one on any of the client's care messages or export rows of that gemeente dated on or before 31 December
-- of the year (allocations and requests carry it; an address change shows in the next message), else the earliest
-- one known (two postcodes on one day: postcode order). The wijk is that postcode's in the postcode table of the
-- year (macro in_wijk), so the codes are those CBS publishes for that year; wijk_status says why a client has no
-- wijk. Every own-care indicator places a client in a wijk through this model.
--
-- The message lines come reduced to each client's last and first postcode per calendar year
-- (int_zorgclienten_postcodes_per_jaar, incremental); the client's years then take the postcode of the latest
-- year at or before them, so the work grows with the client-years, not with the lines. A table rebuilt on every
-- run from client-level tables: its years follow the coverage, which any load may move.
with coverage as (
    select * from {{ ref('int_zorg_dekking') }}
),

years as (
    select gemeente_code, unnest(range(min(eerste_jaar), max(laatste_jaar) + 1)) as jaar
    from coverage
    group by gemeente_code
),

per_year as (
    select * from {{ ref('int_zorgclienten_postcodes_per_jaar') }}
),

client_years as (
    select gemeente_code, client_id, jaar from per_year
    union
    select periods.gemeente_code, periods.client_id, unnest(range(
        greatest(year(periods.begindatum), coverage.eerste_jaar),
        least(year(coalesce(periods.einddatum, coverage.peildatum)), coverage.laatste_jaar) + 1
    ))
    from {{ ref('int_zorgperiodes') }} as periods
    inner join coverage using (gemeente_code, wet)
),

first_postcodes as (
    select gemeente_code, client_id, arg_min(eerste_postcode, jaar) as eerste_postcode
    from per_year
    where eerste_postcode is not null
    group by all
),

known as (
    select gemeente_code, client_id, jaar, laatste_postcode from per_year where laatste_postcode is not null
),

placed as (
    -- the latest postcode of the year or an earlier year, else the earliest one known. The window runs over all
    -- the client's years before the covered years are chosen, so a postcode from before the coverage counts too,
    -- as in the as-of join it replaced (at 10M invoice lines 2.2 s, where the as-of join took 2.9 s).
    select *
    from (
        select
            gemeente_code,
            client_id,
            jaar,
            coalesce(
                last_value(known.laatste_postcode ignore nulls) over (
                    partition by gemeente_code, client_id order by jaar rows between unbounded preceding and current row
                ),
                first_postcodes.eerste_postcode
            ) as postcode
        from client_years
        left join first_postcodes using (gemeente_code, client_id)
        left join known using (gemeente_code, client_id, jaar)
    )
    inner join years using (gemeente_code, jaar)
)

select * from ({{ in_wijk('placed', 'postcode', 'jaar') }})
