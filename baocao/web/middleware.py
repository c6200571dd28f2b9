"""Language choice: Vietnamese unless the person picked English with the switcher.

Django's LocaleMiddleware also follows the browser's Accept-Language, and many officers'
browsers ask for English; the interface is Vietnamese first, so only the cookie set by the
language switcher may change it.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        try:
            language = translation.get_supported_language_variant(chosen or "")
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
