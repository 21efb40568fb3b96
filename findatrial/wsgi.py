"""
WSGI config for findatrial project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'findatrial.settings')

application = get_wsgi_application()

# What is loaded by now (Django, the apps, their models: about 95,000
# objects) lives as long as the process. Frozen, it is left out of the
# garbage collector's full passes: on the benchmark machine a full pass in
# the middle of a request took 75-100 ms with it and 28-41 ms without (the
# API's search page: p95 114 ms before, 56-60 ms after). Start-up's own
# garbage is collected first, so none of it is kept for good. (gunicorn,
# as gunicorn.conf.py runs it, loads this module in each worker, after
# the fork: each worker freezes its own objects.)
# https://docs.python.org/3/library/gc.html#gc.freeze
gc.collect()
gc.freeze()
# A young collection every 20,000 new objects instead of every 700: a
# request's model instances hold each other in cycles (a prefetched site
# and its project), so with collections during the request they outlive it
# into the old generation and pile up there until a full pass frees
# thousands at once. Collected young after their request, they are freed a
# few at a time. Alternated on the benchmark machine, the API's search page
# went from 67-71 to 49-54 ms at p95; other pages did not change. The
# price is a little more memory between collections: up to 20,000 young
# objects, a few megabytes, per worker. (Most of a page's own cycles are
# now broken as it ends, so collections come far less often:
# findatrial/templates.py.)
gc.set_threshold(20_000, 10, 10)
