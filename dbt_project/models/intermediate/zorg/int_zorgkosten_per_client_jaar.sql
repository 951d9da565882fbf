-- Invoiced care per client: the net amount of the invoice lines (323, credits negative) per gemeente x wet x
-- client x year (the year the line begins in) x product category, without the lines the gemeente rejected (an
-- anti join: a line stays unless a 325 of the same gemeente, provider, declaration and line reference rejects it).
-- The one pass over every invoice line; int_indicator__zorg_eigen sums these rows per region.
--
-- Incremental, per client and year: a build recomputes every row of each client-year a load since the last build
-- touched (macro touched_invoice_years: the years of the invoice lines on the loads' rows and on the rows they
-- replaced, and of every line a changed rejection matches). That key is sufficient: a client-year's rows are
-- computed from that client's lines beginning in that year and the rejections matching them only; a line or
-- rejection changes only with a load that carries it or replaces it. A half year of invoices recomputes its
-- own years, not every year of the clients it names.
{{ config(
    materialized='incremental', incremental_strategy='append', on_schema_change='fail',
    pre_hook=["{{ replace_touched({'herberekende_kostenjaren': touched_invoice_years()},
                                  '(gemeente_code, client_id, coalesce(jaar, 0)) in (from herberekende_kostenjaren)') }}",
              "{{ set_first_recomputed_day('kosten_vanaf', 'herberekende_kostenjaren') }}"]
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
where (lines.gemeente_code, lines.client_id, {{ jaar_sleutel('lines.begindatum') }}) in (from herberekende_kostenjaren)
    -- the same lines, older years skipped first (macro set_first_recomputed_day)
    and (lines.begindatum >= getvariable('kosten_vanaf') or lines.begindatum is null)
{%- endif %}
group by all
