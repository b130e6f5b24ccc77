from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from debatte.accounts.forms import ProfileSettingsForm
from debatte.accounts.models import User
from debatte.discussions.selectors import list_published_comments_by


class ProfileView(View):
    """A reader's public page: name, badges and published comments."""

    def get(self, request: HttpRequest, user_id: int) -> HttpResponse:
        author = get_object_or_404(User.objects.prefetch_related("badges"), pk=user_id)
        page = request.GET.get("seite", "1")
        comments = list_published_comments_by(author, page=int(page) if page.isdigit() else 1)
        return render(request, "accounts/profile.html", {"author": author, "comments": comments})


class ProfileSettingsView(LoginRequiredMixin, View):
    template_name = "accounts/settings.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        form = ProfileSettingsForm(instance=request.user)
        return render(request, self.template_name, {"form": form})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ProfileSettingsForm(request.POST, instance=request.user)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        form.save()
        messages.success(request, _("Your settings are saved."))
        response = HttpResponseRedirect(reverse("profile-settings"))
        return response
