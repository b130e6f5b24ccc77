from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from debatte.notifications.unsubscribe import read_token, unsubscribe


@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(View):
    """One-click unsubscribe from a notification mail (RFC 8058).

    GET shows a button (mail scanners follow links, so a GET changes nothing); POST, from the
    button or from the mail program's one-click header, switches the notification off. The
    signed token is the authorisation, hence no CSRF token.
    """

    template_name = "notifications/unsubscribe.html"

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        unsubscription = read_token(token)
        status = 200 if unsubscription else 404
        context: dict[str, object] = {"unsubscription": unsubscription, "done": False}
        return render(request, self.template_name, context, status=status)

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        unsubscription = read_token(token)
        context: dict[str, object] = {"unsubscription": unsubscription, "done": True}
        if unsubscription is None or not unsubscribe(unsubscription):
            context = {"unsubscription": None, "done": False}
            return render(request, self.template_name, context, status=404)
        return render(request, self.template_name, context)
