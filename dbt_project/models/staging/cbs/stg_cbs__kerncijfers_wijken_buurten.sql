-- One row per region x year x measure from the latest release (snapshot) of each edition's table.
-- Earlier releases stay in raw; this view only picks the newest, so a revised CBS figure replaces the
-- provisional one without losing history.
with source as (
    select * from {{ source('raw', 'cbs_kerncijfers_wijken_buurten') }}
),

latest_release as (
    select table_id, arg_max(snapshot_id, retrieved_at) as snapshot_id
    from source
    group by table_id
)

select
    source.region_code                          as regio_code,
    source.region_name                          as regio_naam,
    source.period_key                           as periode,
    cast(left(source.period_key, 4) as integer) as jaar,
    source.measure,
    source.value_text,
    source.value,
    source.value_status,
    source.unit,
    source.is_voorlopig,
    source.is_synthetic                         as is_synthetisch,
    source.table_id,
    source.snapshot_id,
    source.retrieved_at
from source
inner join latest_release using (table_id, snapshot_id)
