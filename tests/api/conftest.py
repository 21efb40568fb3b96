"""The API's rate limit counts requests in the cache; each test starts from zero."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()
