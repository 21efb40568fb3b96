"""Importers for NIH RePORTER and ClinicalTrials.gov records (STYLE.md 12).

Each source has the same three steps, each testable alone:

- ``streams``: read a file (JSON page/envelope, array, single record or
  JSON Lines; plain or gzip) into numbered raw dicts, streaming;
- ``reporter`` / ``ctgov``: map one raw dict to a typed ``records.ProjectRecord``
  (pure functions: no database, no network), with ``names`` (proper case)
  and ``codes`` (activity codes, grant numbers, states, ZIP codes);
- ``upsert``: save records in batches, matching people, places and
  projects, keeping editorial text, flagging live pages whose source
  changed. It is the only module here that writes.

``pipeline`` runs the three for a list of files with the error policy
(skip or ``--strict``) and the summary; ``fetch`` reads the live APIs.
This package's ``__init__`` imports nothing, so the pure modules load
without the database layer.
"""
