-- Every row any gemeente file delivered, loaded (raw.<source>) or rejected (quarantine.<source>), all loads: the
-- file and load it came from and, for a rejected row, the reason and the column. Nothing of the row's content.
{% for bron in gemeentebronnen() %}
select '{{ bron }}' as bron, 'raw' as tabel, file_sha256, load_id, null::varchar as reden_code, null::varchar as kolom
from {{ source('raw', bron) }}
union all
select '{{ bron }}', 'quarantine', file_sha256, load_id, reason_code, column_name
from {{ source('quarantine', bron) }}
{% if not loop.last %}union all{% endif %}
{% endfor %}
