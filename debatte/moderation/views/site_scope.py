"""Pages about one site that its moderators (and administrators) keep: word lists, reasons."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from debatte.articles.models import Site
from debatte.moderation.views.mixins import ModeratorRequiredMixin


class SitePageMixin(ModeratorRequiredMixin):
    """`find_site(site_id)`: a site the user moderates; 403 for another site, 404 for none."""

    site: Site

    def find_site(self, site_id: int) -> Site:
        for site in self.sites:
            if site.pk == site_id:
                return site
        if Site.objects.filter(pk=site_id).exists():
            raise PermissionDenied(_("You are not a moderator of this site."))
        raise Http404(_("There is no such site."))


def first_site_redirect(view: ModeratorRequiredMixin, url_name: str) -> HttpResponseBase:
    """The page of the first site the user moderates (the index of a per-site page)."""
    return redirect(url_name, site_id=view.sites[0].pk)
