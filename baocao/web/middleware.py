"""The site's own middleware: the chosen language, and the end of an idle session.

Language: Django's LocaleMiddleware also follows the browser's Accept-Language, and many
officers' browsers ask for English; the interface is Vietnamese first, so only the cookie set
by the language switcher may change it.

Idle sessions: offices share computers, and a report left signed in over lunch is open to
whoever sits down next. A session unused for BAOCAO_IDLE_MINUTES ends (on top of the 14-day
cap of SESSION_COOKIE_AGE); the next request goes to the login page, which says why.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _


def chosen_language(request) -> str:
    """The language picked with the switcher (its cookie), else the site's own."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    try:
        return translation.get_supported_language_variant(chosen or "")
    except LookupError:
        return settings.LANGUAGE_CODE


class ChosenLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()


LAST_SEEN = "baocao_last_seen"  # the session key: epoch seconds of the last request
# The stamp is written at most this often, so a burst of autosaves does not rewrite the
# session row each time; the timeout is therefore exact to within a minute.
STAMP_EVERY = 60


def idle_timeout_message() -> str:
    return _(
        "Phiên làm việc đã kết thúc vì không dùng trong %(minutes)d phút. Hãy đăng nhập lại."
    ) % {"minutes": settings.BAOCAO_IDLE_MINUTES}


def start_idle_clock(sender, request, user, **kwargs) -> None:
    """At login (signal user_logged_in, connected by baocao.apps.logins): the session is
    saved then anyway, so the first pages after it need not write the stamp."""
    request.session[LAST_SEEN] = time.time()


class IdleTimeoutMiddleware:
    """Sign out a session that made no request for BAOCAO_IDLE_MINUTES (0: never). Only pages
    that need a login look at it: the login page, the API (its own keys) and /healthz do not
    load the session for this."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        limit = settings.BAOCAO_IDLE_MINUTES * 60
        if not limit or not getattr(view_func, "login_required", True):
            return None
        if not request.user.is_authenticated:
            return None
        now = time.time()
        seen = request.session.get(LAST_SEEN)
        if isinstance(seen, int | float) and now - seen > limit:
            return self._timed_out(request)
        if not isinstance(seen, int | float) or now - seen >= STAMP_EVERY:
            request.session[LAST_SEEN] = now
        return None

    def _timed_out(self, request):
        logout(request)
        message = idle_timeout_message()
        if request.headers.get("HX-Request"):
            # An autosave after a long pause: the editor shows this and keeps the text.
            message = f"{message} {_('Nội dung vẫn còn trong ô.')}"
            return render(request, "errors/_fragment.html", {"message": message}, status=401)
        messages.info(request, message)
        return redirect_to_login(request.get_full_path())
