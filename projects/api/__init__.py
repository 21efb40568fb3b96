"""The public read-only JSON API (``/api/v1/``): listed projects and their
conditions, with the listing's own filters (``projects.filters.ProjectFilter``).

- ``serializers``: the JSON shape and its wording (codes with labels)
- ``views``: querysets (the live rows of listed projects only), pagination, filters
- ``urls``: the routes, the OpenAPI schema and its documentation page
"""
