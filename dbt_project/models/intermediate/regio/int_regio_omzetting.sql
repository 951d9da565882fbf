-- For every region code and classification year that a later herindeling or re-division touches: the code(s)
-- it becomes on the target classification (var doelindeling) and the share that goes there. Steps come from the
-- gemeente crosswalk and the user's wijk conversion matrix; chains (a code changed twice) are followed.
-- A code/year not in this table is unchanged.
with recursive steps as (
    select
        oude_code as van_code,
        nieuwe_code as naar_code,
        -- a change on 1 January of year Y ends classification Y-1; one later in the year ends classification Y
        case when strftime(ingangsdatum, '%m-%d') = '01-01' then year(ingangsdatum) - 1 else year(ingangsdatum) end
            as van_indeling,
        coalesce(aandeel, 1.0) as aandeel
    from {{ ref('gemeente_herindelingen') }}
    union all
    select van_code, naar_code, van_indeling, aandeel
    from {{ ref('int_wijk_omzetting') }}
),

applicable as (
    select * from steps where van_indeling < {{ var('doelindeling') }}
),

chain (van_code, van_indeling, code, geldig_vanaf, aandeel) as (
    select van_code, van_indeling, naar_code, van_indeling + 1, aandeel
    from applicable
    union all
    select chain.van_code, chain.van_indeling, next.naar_code, next.van_indeling + 1, chain.aandeel * next.aandeel
    from chain
    inner join applicable as next
        on next.van_code = chain.code and next.van_indeling >= chain.geldig_vanaf
),

final_codes as (
    select * from chain
    where not exists (
        select 1 from applicable as later where later.van_code = chain.code and later.van_indeling >= chain.geldig_vanaf
    )
),

years as (
    select unnest(range({{ var('eerste_jaar') }}, {{ var('doelindeling') }})) as indeling_jaar
),

first_step as (
    -- the first change after classification year Y decides where a code of year Y goes
    select steps.van_code, years.indeling_jaar, min(steps.van_indeling) as van_indeling
    from applicable as steps
    inner join years on steps.van_indeling >= years.indeling_jaar
    group by all
)

select
    first_step.van_code               as regio_code,
    first_step.indeling_jaar,
    final_codes.code                  as doel_code,
    {{ var('doelindeling') }}         as doelindeling,
    sum(final_codes.aandeel)          as aandeel
from first_step
inner join final_codes using (van_code, van_indeling)
group by all
