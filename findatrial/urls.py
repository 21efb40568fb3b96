from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.decorators.cache import cache_page
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from projects import discovery_cache, feeds
from projects.robots import robots_txt
from projects.sitemaps import SITEMAPS
from projects.urls import browse_urlpatterns
from projects.views import ProjectListView

feed_urlpatterns = (
    [
        path("projects.rss", feeds.ProjectFeed(), name="projects_rss"),
        path("projects.atom", feeds.ProjectAtomFeed(), name="projects_atom"),
        path("conditions/<slug:slug>.rss", feeds.ConditionFeed(), name="condition_rss"),
        path("conditions/<slug:slug>.atom", feeds.ConditionAtomFeed(), name="condition_atom"),
    ],
    "feeds",
)

# Sitemaps are for crawlers and cost seconds at 50,000 addresses: kept an hour.
cached_sitemap = cache_page(
    discovery_cache.SITEMAP_SECONDS, key_prefix=discovery_cache.SITEMAP_KEY_PREFIX
)

urlpatterns = [
    path("", ProjectListView.as_view(), name="home"),
    path("projects/", include("projects.urls")),
    path("", include(browse_urlpatterns)),
    path("feeds/", include(feed_urlpatterns)),
    path("api/v1/", include("projects.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path(
        "sitemap.xml", cached_sitemap(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"}, name="sitemap",
    ),
    path(
        "sitemap-<section>.xml", cached_sitemap(sitemap_views.sitemap), {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("robots.txt", robots_txt, name="robots"),
    path(settings.ADMIN_PATH, admin.site.urls),
]

# "Back soon" (503) when the database is down, Django's 500 page otherwise.
handler500 = "findatrial.faults.server_error"
