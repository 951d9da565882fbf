-- Every category of a CBS dimension the indicators read maps to a code of seed cbs_categorieen (by key, or by
-- title where the seed does not know the key). A category that does not is left out of the indicators: add its
-- key (and title) to the seed. A warning, not an error: a new category should not stop the refresh.
{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'int_cbs_categorieen'}}}) }}

select dimensie, cbs_sleutel, cbs_titels
from {{ ref('int_cbs_categorieen') }}
where code is null
