"""Request bodies are judged by their Content-Length before anything reads them
(`baocao.web.bodylimit`): a form's limit everywhere, a file's limit where a view takes one,
413 with a Vietnamese message above it, as a page, an htmx fragment or the API's JSON."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from baocao.apps.campaigns.models import Upload
from baocao.apps.orgs.models import Membership
from baocao.web.bodylimit import default_limit

from .campaign_scenario import as_user, url

TOO_BIG = "Nội dung gửi lên quá lớn: tối đa 2,5 MB."
HUGE = 300 * 1024 * 1024


def head_and_a_few_bytes(base_url: str, path: str, length: int) -> bytes:
    """POST `path` announcing `length` bytes of multipart body and sending only a few: the
    answer (status line and headers) comes back only if the server did not wait for the rest."""
    address = urlsplit(base_url)
    with socket.create_connection((address.hostname, address.port), timeout=30) as sock:
        sock.sendall(
            (
                f"POST {path} HTTP/1.1\r\n"
                f"Host: {address.hostname}:{address.port}\r\n"
                "Content-Type: multipart/form-data; boundary=xyz\r\n"
                f"Content-Length: {length}\r\n"
                "\r\n"
                '--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.bin"'
                "\r\n\r\n"
            ).encode()
        )
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(65536)  # socket.timeout here: the server waits for the body
            assert chunk, f"the server closed the connection without answering: {answer!r}"
            answer += chunk
        while b"</html>" not in answer:  # the page follows the headers
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    return answer


@pytest.mark.django_db(transaction=True)
def test_a_huge_anonymous_post_to_the_login_page_is_refused_without_being_read(live_server):
    answer = head_and_a_few_bytes(live_server.url, reverse("login"), HUGE).decode()
    assert answer.startswith("HTTP/1.1 413"), answer[:500]
    assert TOO_BIG in answer


@pytest.mark.django_db(transaction=True)
def test_a_huge_upload_is_refused_without_being_read_even_where_files_are_taken(
    live_server, school
):
    answer = head_and_a_few_bytes(live_server.url, url("report_upload", school), HUGE).decode()
    assert answer.startswith("HTTP/1.1 413"), answer[:500]
    assert "Tệp quá lớn: tệp nộp tối đa 20 MB" in answer
    assert Upload.objects.count() == 0


@pytest.mark.django_db
def test_a_form_just_over_the_limit_gets_a_vietnamese_413_instead_of_being_parsed():
    client = Client(enforce_csrf_checks=True)
    fields = {"username": "x", "password": "a" * default_limit()}
    response = client.post(reverse("login"), fields)
    assert response.status_code == 413
    html = response.content.decode()
    assert "Nội dung gửi lên quá lớn" in html and TOO_BIG in html
    assert '<html lang="vi">' in html


@pytest.mark.django_db
def test_an_autosave_over_the_limit_is_told_so_beside_the_editor(client, school, people):
    as_user(client, people["school_writer"])
    text = "Đoàn viên " * (default_limit() // 10)
    response = client.post(
        url("section_save", school, "P1/I/1"),
        {"text": text, "base_version": "0"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 413
    assert 'role="alert"' in response.content.decode()
    assert TOO_BIG in response.content.decode()
    assert "<html" not in response.content.decode()  # a fragment, the editor keeps the text


@pytest.mark.django_db
def test_the_api_answers_a_body_over_the_limit_in_json(client):
    path = reverse("api:units")
    body = b"[" + b"1," * (default_limit() // 2) + b"1]"
    response = client.generic("POST", path, body, content_type="application/json")
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "request_too_large"
    assert TOO_BIG in error["message"]


@pytest.mark.django_db
def test_a_file_over_the_forms_limit_reaches_a_view_that_takes_files(
    client, tree, django_user_model
):
    """3 MB: more than any form may send, well within an outline's 20 MB. The view reads it
    (and refuses it as no Word file), so the limit let it through."""
    user = django_user_model.objects.create_user("tonghop")
    Membership.objects.create(user=user, unit=tree.province, roles=["consolidator"])
    client.force_login(user)
    data = bytes(3 * 1024 * 1024)
    assert len(data) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = client.post(reverse("outlines:import"), {"file": SimpleUploadedFile("x.docx", data)})
    assert response.status_code == 400
    assert "Không nhập được:" in response.content.decode()


@pytest.mark.django_db
def test_a_report_file_far_over_20_mb_is_refused_with_the_uploads_message(client, school, people):
    as_user(client, people["school_writer"])
    data = bytes(21 * 1024 * 1024)
    response = client.post(
        url("report_upload", school), {"file": SimpleUploadedFile("rat_to.docx", data)}
    )
    assert response.status_code == 413
    html = response.content.decode()
    assert "Tệp quá lớn: tệp nộp tối đa 20 MB. Hãy xoá bớt hình ảnh" in html
    assert Upload.objects.count() == 0
