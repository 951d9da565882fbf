-- Invoice lines placed in the client's wijk. The postcode: on the line itself (CSV exports), else on the client's
-- allocation (301) with the same toewijzing_nummer, else the client's latest postcode in any allocation of that
-- gemeente. The postcode table used is the one of the year the line begins in, or the nearest earlier year
-- (the first year for lines before it). wijk_status says why a line has no wijk; no line is dropped.
with lines as (
    select * from {{ ref('stg_zorg__declaratieregels') }}
),

allocations as (
    select * from {{ ref('stg_zorg__toewijzingen') }} where postcode is not null
),

by_allocation as (
    select gemeente_code, client_id, toewijzing_nummer, arg_max(postcode, dagtekening) as postcode
    from allocations
    group by all
),

by_client as (
    select gemeente_code, client_id, arg_max(postcode, dagtekening) as postcode
    from allocations
    group by all
),

located as (
    select
        lines.*,
        coalesce(lines.postcode, by_allocation.postcode, by_client.postcode) as client_postcode,
        case
            when lines.postcode is not null then 'declaratieregel'
            when by_allocation.postcode is not null then 'toewijzing'
            when by_client.postcode is not null then 'andere toewijzing'
        end as postcode_bron
    from lines
    left join by_allocation
        on by_allocation.gemeente_code = lines.gemeente_code
        and by_allocation.client_id = lines.client_id
        and by_allocation.toewijzing_nummer = lines.toewijzing_nummer
    left join by_client
        on by_client.gemeente_code = lines.gemeente_code
        and by_client.client_id = lines.client_id
)

select * exclude (postcode)
from ({{ in_wijk('located', 'client_postcode', 'year(begindatum)') }})
