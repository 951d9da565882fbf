"""The pipeline's own bookkeeping in the warehouse (schema ``meta``), beside what it loads and builds.

- ``meta.check_results`` and ``meta.checked_loads``: the outcome of every GX check and dbt test, and the loads that
  passed their suites (``check_results.py``; written by pipelines/checks/ and pipelines/assets/dbt.py);
- ``meta.dbt_incremental_models``: the definition each incremental dbt model was built with (``incremental.py``);
- ``meta.dbt_builds``: what the last successful build of the core models was built from
  (``build_inputs.py``);
- ``meta.file_loads``, ``meta.file_replacements`` and ``meta.file_scopes``: the intake's load log and its index of
  each loaded file's rows per replace scope, written with the rows they describe (pipelines/sources/files/load.py).

Assets and checks both write here; neither imports the other (tests/unit/test_layers.py).
"""
