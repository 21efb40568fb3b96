"""Django's Redis cache backend, keeping one Redis client per connection pool.

Django 5.2's ``RedisCacheClient.get_client`` builds a new ``redis.Redis``
around the (shared) connection pool on every cache call, and redis-py 8
copies its ~170 response callbacks into a fresh case-insensitive dict each
time: about 70 microseconds per call on the benchmark machine, more than
the network round trip to Redis (about 60). A page served from the cache
makes one call, so this was half of its cache cost.

A ``redis.Redis`` holds no connection of its own (it takes one from the
pool for each command and gives it back), and redis-py documents it as
safe to share between threads; the pool itself notices a fork (gunicorn's
workers) and opens new connections. So one client per pool is kept and
reused. Everything else is Django's backend, unchanged.
"""

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, servers, **options):
        super().__init__(servers, **options)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(
                    self._servers[index], **self._pool_options
                )
            client = self._clients[index] = self._client(connection_pool=self._pools[index])
        return client


class RedisCache(django_redis.RedisCache):
    """``CACHES`` backend: ``findatrial.cache_backends.RedisCache``."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
