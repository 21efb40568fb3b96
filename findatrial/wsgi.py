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
# API's search page: p95 114 ms before, 56-60 ms after). Before a fork
# (gunicorn --preload) it also keeps those pages shared between workers.
# https://docs.python.org/3/library/gc.html#gc.freeze
gc.freeze()
