-- Every category CBS publishes in a dimension the indicators read (type of Wmo provision, form of youth care,
-- referrer), mapped to a stable code through seed cbs_categorieen: by its key where the seed knows the key, else by
-- its title (spaces and case ignored). One row per classification and key, with the titles CBS gave it; `code`
-- is empty for a category the seed does not know (test cbs_categories_are_mapped warns).
with found as (
    select distinct 'voorziening' as dimensie, voorziening_sleutel as cbs_sleutel, voorziening_titel as cbs_titel
    from {{ ref('stg_cbs__wmo_clienten_type_wijk') }}
    union
    select distinct 'voorziening', voorziening_sleutel, voorziening_titel from {{ ref('stg_cbs__wmo_kosten') }}
    union
    select distinct 'vorm_wijk', vorm_sleutel, vorm_titel from {{ ref('stg_cbs__jeugdzorg_wijk') }}
    union
    select distinct 'vorm_gemeente', vorm_sleutel, vorm_titel from {{ ref('stg_cbs__jeugdzorg_gemeente') }}
    union
    select distinct 'vorm_kosten', vorm_sleutel, vorm_titel from {{ ref('stg_cbs__jeugdzorg_kosten') }}
    union
    select distinct 'verwijzer', verwijzer_sleutel, verwijzer_titel from {{ ref('stg_cbs__jeugdhulp_verwijzer') }}
),

seed as (
    select * from {{ ref('cbs_categorieen') }}
),

mapped as (
    select
        found.dimensie,
        found.cbs_sleutel,
        found.cbs_titel,
        coalesce(by_key.code, by_title.code)                                  as code,
        coalesce(by_key.naam, by_title.naam)                                  as naam,
        case when by_key.code is not null then 'sleutel' when by_title.code is not null then 'titel' end
                                                                              as gekoppeld_op
    from found
    left join seed as by_key
        on by_key.dimensie = found.dimensie and by_key.cbs_sleutel = found.cbs_sleutel
    left join seed as by_title
        on by_key.code is null
        and by_title.dimensie = found.dimensie
        and by_title.cbs_sleutel is null
        and {{ normalised_title('by_title.cbs_titel') }} = {{ normalised_title('found.cbs_titel') }}
    where found.cbs_sleutel is not null
)

select
    dimensie,
    cbs_sleutel,
    string_agg(distinct cbs_titel, ' | ' order by cbs_titel) as cbs_titels,
    any_value(code) filter (where code is not null)           as code,
    any_value(naam) filter (where code is not null)           as naam,
    any_value(gekoppeld_op) filter (where code is not null)   as gekoppeld_op
from mapped
group by dimensie, cbs_sleutel
