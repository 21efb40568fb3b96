"""Settings for the benchmark: the project's own, plus Redis as the cache
when BENCH_REDIS_URL is set, to measure against what production runs."""

import os

from findatrial.settings import *  # noqa: F403

if os.environ.get("BENCH_REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "findatrial.cache_backends.RedisCache",
            "LOCATION": os.environ["BENCH_REDIS_URL"],
        }
    }
