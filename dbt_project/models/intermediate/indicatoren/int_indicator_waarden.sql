-- Every indicator value from every domain, on the classification it was published on. A new domain adds its
-- int_indicator__<domain> model (see macros/indicator_rows.sql for the contract) to this list.
{%- set domains = [
    ref('int_indicator__zorggebruik_cbs'),
    ref('int_indicator__zorgkosten'),
    ref('int_indicator__ecosysteem'),
    ref('int_indicator__zorg_eigen'),
] %}
{% for domain in domains %}
select * from {{ domain }}
{% if not loop.last %}union all{% endif %}
{% endfor %}
