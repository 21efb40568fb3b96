"""The Redis cache backend: Django's, keeping one Redis client per connection
pool instead of building one on every call, and otherwise the same."""

import threading
import uuid

import pytest
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

from findatrial.cache_backends import RedisCache


@pytest.fixture
def backend(redis_url):
    prefix = f"test-backend-{uuid.uuid4().hex}"
    cache = RedisCache(redis_url, {"KEY_PREFIX": prefix})
    yield cache
    client = cache._cache.get_client(write=True)
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)


def test_every_call_reuses_one_client_and_its_pool(backend):
    client = backend._cache.get_client(write=False)
    assert backend._cache.get_client(write=True) is client
    assert backend._cache.get_client("some-key") is client
    backend.set("a", 1)
    backend.get_many(["a", "b"])
    assert backend._cache.get_client() is client
    assert list(backend._cache._pools.values()) == [client.connection_pool]


def test_with_several_servers_writes_go_to_the_first_and_reads_to_the_others(redis_url):
    cache = RedisCache([redis_url, redis_url.rsplit("/", 1)[0] + "/14"], {})
    writer = cache._cache.get_client(write=True)
    reader = cache._cache.get_client(write=False)
    assert writer is not reader
    assert writer.connection_pool.connection_kwargs["db"] == int(redis_url.rsplit("/", 1)[1])
    assert reader.connection_pool.connection_kwargs["db"] == 14
    assert cache._cache.get_client(write=False) is reader


def test_it_stores_and_reads_as_djangos_backend_does(backend, redis_url):
    backend.set("page", {"body": b"<html>", "n": 2}, timeout=30)
    backend.set("generation", 7, timeout=None)
    assert backend.get("page") == {"body": b"<html>", "n": 2}
    assert backend.get_many(["generation", "page", "missing"]) == {
        "generation": 7,
        "page": {"body": b"<html>", "n": 2},
    }
    assert backend.incr("generation") == 8
    assert backend.add("generation", 1) is False
    backend.set_many({"x": "1", "y": "2"}, timeout=30)
    backend.delete_many(["x"])
    assert backend.get_many(["x", "y"]) == {"y": "2"}
    assert backend.delete("page") is True
    # Django's own backend reads what this one wrote: same keys, same encoding.
    django_backend = DjangoRedisCache(redis_url, {"KEY_PREFIX": backend.key_prefix})
    assert django_backend.get_many(["generation", "y"]) == {"generation": 8, "y": "2"}


def test_threads_share_the_client_safely(backend):
    errors = []

    def work(n):
        try:
            for i in range(50):
                backend.set(f"t{n}-{i}", i, timeout=30)
                assert backend.get(f"t{n}-{i}") == i
        except Exception as exc:  # reported below, with the thread's failure
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
