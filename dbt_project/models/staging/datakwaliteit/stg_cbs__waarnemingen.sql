-- Every CBS observation of every release (all raw.cbs_* tables, all snapshots): which release it came from, its
-- period and measure, and whether the cell has a value, is secret, missing, not published in that edition or
-- provisional. Nothing of the value itself.
{% for tabel in cbs_tabellen() %}
select
    '{{ tabel }}' as bron, table_id as cbs_tabel, snapshot_id, load_id, loaded_at, retrieved_at, period_key as periode,
    measure as maat, value_status as waarde_status, is_voorlopig, is_synthetic as is_synthetisch
from {{ source('raw', tabel) }}
{% if not loop.last %}union all{% endif %}
{% endfor %}
