"""Language: Simplified Chinese for everyone, English for whoever chooses it.

Django's LocaleMiddleware would follow each browser's Accept-Language, so a reader with an English browser
would get an English newspaper and every public page would vary by that header. A Chinese paper is Chinese: the
language is LANGUAGE_CODE unless the user has picked another through the language cookie (set by the footer's
links on the reader's site, reader/views/site.py, and by Django's `set_language` view, offered in the admin).
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext_noop

# Django's own messages whose Chinese this project words again (the project's catalog, LOCALE_PATHS, comes before
# Django's): listed here so that `make messages` keeps them. Django's zh_Hans says "您可以在下面再次编辑它." with a
# Latin full stop, after messages that say 你 and end with 。.
DJANGO_REWORDED = (gettext_noop("You may edit it again below."),)

# A language of settings.LANGUAGES as HTML's lang attribute names it (BCP 47), where Django's code differs.
HTML_LANG = {"zh-hans": "zh-CN"}


def html_lang(language: str) -> str:
    """`language` (a Django language code) as the `lang` attribute of a page in it: zh-hans is zh-CN."""
    return HTML_LANG.get(language, language)


def language_of(request) -> str:
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    supported = {code for code, _name in settings.LANGUAGES}
    return chosen if chosen in supported else settings.LANGUAGE_CODE


class ChosenLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        translation.activate(language_of(request))
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        # No "Vary: Accept-Language": the header does not change the page. Content-Language still says which.
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
