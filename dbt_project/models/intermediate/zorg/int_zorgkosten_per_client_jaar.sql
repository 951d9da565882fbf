-- Invoiced care per client: the net amount of the invoice lines (323, credits negative) per gemeente x wet x
-- client x year (the year the line begins in) x product category, without the lines the gemeente rejected (an
-- anti join: a line stays unless a 325 of the same gemeente, provider, declaration and line reference rejects it).
-- The one pass over every invoice line; int_indicator__zorg_eigen sums these rows per region.
--
-- Incremental: a build recomputes every row of each client a load since the last build touched (macro
-- touched_invoice_clients: the clients on the loads' rows and on the rows they replaced, and the client of every
-- line a changed rejection matches). That key is sufficient: a client's rows are computed from that client's
-- lines and the rejections matching them only; a line or rejection changes only with a load that carries it or
-- replaces it.
{{ config(
    materialized='incremental', incremental_strategy='append', on_schema_change='fail',
    pre_hook="{{ replace_touched({'herberekende_kostenclienten': touched_invoice_clients()},
                                 '(gemeente_code, client_id) in (from herberekende_kostenclienten)') }}"
) }}

select
    lines.gemeente_code,
    lines.wet,
    lines.client_id,
    year(lines.begindatum)        as jaar,
    lines.product_categorie,
    sum(lines.bedrag_euro)        as bedrag,
    bool_or(lines.is_synthetisch) as is_synthetisch,
    max(lines.loaded_at)          as loaded_at
from {{ ref('stg_zorg__declaratieregels') }} as lines
anti join {{ ref('stg_zorg__afgewezen_declaratieregels') }} as rejected
    on rejected.gemeente_code = lines.gemeente_code
    and rejected.aanbieder = lines.aanbieder
    and rejected.declaratie_nummer = lines.declaratie_nummer
    and rejected.referentie_nummer = lines.referentie_nummer
{% if is_incremental() -%}
where (lines.gemeente_code, lines.client_id) in (from herberekende_kostenclienten)
{%- endif %}
group by all
