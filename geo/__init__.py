"""Place search helpers, pure and offline: ZIP and city centroids (``geo.centroids``) and
distances and search boxes (``geo.distance``).

A plain Python package, not a Django app: no models, no settings, and no imports from
``projects``, so everything above it (models, filters, importers) may use it.
"""
