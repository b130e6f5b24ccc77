from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteadminConfig(AppConfig):
    """A site's own settings pages for its admins (/verwaltung/<site-slug>/)."""

    name = "debatte.siteadmin"
    label = "siteadmin"
    verbose_name = _("Site settings")
