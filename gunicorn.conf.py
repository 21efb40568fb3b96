"""Gunicorn settings for one app server: `gunicorn findatrial.wsgi`.

Every value comes from the environment, so the same file serves each
server behind the load balancer; README.md's Deployment section lists them.
"""

import multiprocessing

from findatrial.env import env_int, env_list, env_str

# The platform (or the load balancer's target) says which port to listen on.
bind = [f"0.0.0.0:{env_int('PORT', 8000, minimum=1)}"]

# Django is synchronous: one request per worker process at a time. 2 × cores
# + 1 keeps the CPUs busy while some workers wait on the database; the cap
# keeps a large machine from opening more database connections than
# PostgreSQL allows (each worker holds one, CONN_MAX_AGE).
workers = env_int("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 12), minimum=1)

# A request slower than this is stuck; the worker is replaced.
timeout = env_int("GUNICORN_TIMEOUT", 30, minimum=1)
# On deploy or scale-in, workers finish the requests they have before exiting.
graceful_timeout = env_int("GUNICORN_GRACEFUL_TIMEOUT", 30, minimum=1)
keepalive = 5

# Access and error logs to the console, where the platform collects them.
accesslog = "-"
errorlog = "-"
loglevel = env_str("LOG_LEVEL", "info").lower()

# Which proxies may tell gunicorn the original scheme (X-Forwarded-Proto):
# the load balancer's addresses, comma-separated; "*" only when nothing but
# the load balancer can reach the app servers.
forwarded_allow_ips = ",".join(env_list("FORWARDED_ALLOW_IPS", "127.0.0.1,::1"))
