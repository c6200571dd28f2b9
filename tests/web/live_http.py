"""Plain HTTP for the tests that race real requests against a real server (the live server's
threads, or a gunicorn started for the test): one fresh connection per request, no redirect
followed unless asked, cookies sent as a browser would.

Each `Browser` is one browser: its own session cookie and a CSRF cookie whose value it also
sends in the X-CSRFToken header (as the editor's script does), so it can POST without loading
a form first. A Browser may be used from several threads at once (a double click): it only
reads its cookies.
"""

from __future__ import annotations

import http.client
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from django.conf import settings

CSRF_SECRET = "dongthoiguicungluc0123456789abcd"  # 32 letters and digits: a valid CSRF secret
assert len(CSRF_SECRET) == 32


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: str

    def header(self, name: str) -> str:
        return self.headers.get(name, "")

    def cookies(self) -> dict[str, str]:
        """The cookies this answer sets, as they are to be sent back."""
        jar: SimpleCookie = SimpleCookie()
        for line in self.headers.get_all("Set-Cookie") or ():
            jar.load(line)
        return {name: morsel.coded_value for name, morsel in jar.items()}


@dataclass
class Browser:
    base_url: str
    cookies: dict[str, str] = field(default_factory=dict)
    timeout: float = 20

    def __post_init__(self) -> None:
        self.cookies.setdefault(settings.CSRF_COOKIE_NAME, CSRF_SECRET)

    def request(
        self,
        method: str,
        path: str,
        data: dict | None = None,
        *,
        htmx: bool = False,
        cookies: dict[str, str] | None = None,
    ) -> Answer:
        address = urlsplit(self.base_url)
        connection = http.client.HTTPConnection(
            address.hostname, address.port, timeout=self.timeout
        )
        sent = {**self.cookies, **(cookies or {})}
        headers = {
            "Cookie": "; ".join(f"{name}={value}" for name, value in sent.items()),
            "X-CSRFToken": sent[settings.CSRF_COOKIE_NAME],
        }
        if htmx:
            headers["HX-Request"] = "true"
        body = None
        if data is not None:
            body = urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return Answer(response.status, response.headers, response.read().decode())
        finally:
            connection.close()

    def get(self, path: str, **kwargs) -> Answer:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict, **kwargs) -> Answer:
        return self.request("POST", path, data, **kwargs)

    def follow(self, answer: Answer) -> Answer:
        """The page a redirect leads to, with the cookies that answer set (its messages)."""
        assert answer.status == 302, (answer.status, answer.body[:500])
        location = urlsplit(answer.header("Location"))
        path = location.path + (f"?{location.query}" if location.query else "")
        return self.get(path, cookies=answer.cookies())

    def log_in(self, username: str, password: str) -> None:
        """Through the login form, as a person would (the password is checked by the server)."""
        answer = self.post(
            "/dang-nhap/",
            {
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": self.cookies[settings.CSRF_COOKIE_NAME],
            },
        )
        assert answer.status == 302, (answer.status, answer.body[:500])
        self.cookies[settings.SESSION_COOKIE_NAME] = answer.cookies()[settings.SESSION_COOKIE_NAME]


def logged_in(base_url: str, user) -> Browser:
    """A browser with `user`'s session, made without a password (Django's force_login)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    return Browser(base_url, {settings.SESSION_COOKIE_NAME: session})
