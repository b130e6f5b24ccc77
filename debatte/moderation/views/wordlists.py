"""A site's banned and suspect word lists: list, add, import in bulk, delete, preview.

GET ?liste=banned|suspect&suche=&seite=N lists entries; ?eintrag=... previews one entry against
the site's recent comments. POST form=add|import|delete.
"""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from debatte.core.exceptions import ActionError, NotPermitted
from debatte.moderation.models import WordListKind
from debatte.moderation.page_forms import (
    PreviewForm,
    WordDeleteForm,
    WordEntryForm,
    WordImportForm,
)
from debatte.moderation.services.wordlist_admin import (
    ImportResult,
    add_word_list_entry,
    delete_word_list_entries,
    import_word_list,
    read_upload,
)
from debatte.moderation.views.mixins import ModeratorRequiredMixin
from debatte.moderation.views.site_scope import SitePageMixin, first_site_redirect
from debatte.moderation.wordlist_selectors import (
    count_word_list_entries,
    list_word_list_entries,
    preview_word_list_entry,
)

SKIPPED_SHOWN = 200


class WordListIndexView(ModeratorRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponseBase:
        return first_site_redirect(self, "moderation-wordlists")


class WordListView(SitePageMixin, View):
    template_name = "moderation/wordlists.html"

    def get(self, request: HttpRequest, site_id: int) -> HttpResponse:
        self.site = self.find_site(site_id)
        return self.render_page(request)

    def post(self, request: HttpRequest, site_id: int) -> HttpResponse:
        self.site = self.find_site(site_id)
        action = request.POST.get("form", "")
        try:
            if action == "import":
                return self.bulk_import(request)
            if action == "delete":
                return self.delete(request)
            return self.add(request)
        except NotPermitted as error:
            return self.render_page(request, error=str(error), status=403)
        except ActionError as error:
            return self.render_page(request, error=str(error), status=400)

    def add(self, request: HttpRequest) -> HttpResponse:
        form = WordEntryForm(request.POST)
        if not form.is_valid():
            return self.render_page(request, add_form=form, status=400)
        entry = add_word_list_entry(
            self.site,
            kind=form.cleaned_data["kind"],
            phrase=form.cleaned_data["phrase"],
            moderator=self.moderator,
        )
        messages.success(request, _("“%(phrase)s” is on the list.") % {"phrase": entry.phrase})
        return self.done(entry.kind)

    def bulk_import(self, request: HttpRequest) -> HttpResponse:
        form = WordImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(request, import_form=form, status=400)
        data = form.cleaned_data
        upload = data.get("file")
        if upload is not None:
            text = read_upload(upload.read())
            as_csv, source = upload.name.lower().endswith(".csv"), upload.name[:100]
        else:
            text, as_csv, source = data["text"], False, "paste"
        result = import_word_list(
            self.site,
            kind=data["kind"],
            text=text,
            moderator=self.moderator,
            as_csv=as_csv,
            source=source,
        )
        return self.render_page(request, import_result=result, kind=data["kind"])

    def delete(self, request: HttpRequest) -> HttpResponse:
        form = WordDeleteForm(request.POST)
        if not form.is_valid():
            return self.render_page(request, error=_("Choose the entries to delete."), status=400)
        count = delete_word_list_entries(
            self.site, ids=form.cleaned_data["entries"], moderator=self.moderator
        )
        messages.success(
            request,
            ngettext("%(count)d entry deleted.", "%(count)d entries deleted.", count)
            % {"count": count},
        )
        return self.done(request.POST.get("liste", ""))

    def done(self, kind: str) -> HttpResponse:
        url = reverse("moderation-wordlists", args=[self.site.pk])
        return HttpResponseRedirect(f"{url}?liste={kind}" if kind in WordListKind.values else url)

    def render_page(
        self,
        request: HttpRequest,
        *,
        add_form: WordEntryForm | None = None,
        import_form: WordImportForm | None = None,
        import_result: ImportResult | None = None,
        kind: str = "",
        error: str = "",
        status: int = 200,
    ) -> HttpResponse:
        kind = kind or request.GET.get("liste", "")
        if kind not in WordListKind.values:
            kind = WordListKind.BANNED
        search = request.GET.get("suche", "")[:200]
        page = request.GET.get("seite", "1")
        preview_form = PreviewForm(request.GET) if "eintrag" in request.GET else PreviewForm()
        preview = None
        if preview_form.is_bound and preview_form.is_valid():
            preview = preview_word_list_entry(self.site, preview_form.cleaned_data["eintrag"])
        context: dict[str, Any] = {
            "site": self.site,
            "sites": self.sites,
            "kind": kind,
            "kinds": WordListKind.choices,
            "counts": count_word_list_entries(self.site),
            "search": search,
            "entries": list_word_list_entries(
                self.site, kind=kind, search=search, page=int(page) if page.isdigit() else 1
            ),
            "add_form": add_form or WordEntryForm(initial={"kind": kind}),
            "import_form": import_form or WordImportForm(initial={"kind": kind}),
            "import_result": import_result,
            "skipped_shown": import_result.skipped[:SKIPPED_SHOWN] if import_result else [],
            "preview_form": preview_form,
            "preview": preview,
            "error": error,
        }
        return render(request, self.template_name, context, status=status)


urlpatterns: list[URLPattern] = [
    path("wortlisten/", WordListIndexView.as_view(), name="moderation-wordlists-index"),
    path("wortlisten/<int:site_id>/", WordListView.as_view(), name="moderation-wordlists"),
]
