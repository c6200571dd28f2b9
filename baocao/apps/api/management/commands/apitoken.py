"""`baocao manage apitoken USERNAME`: give a user an API key and print it (once)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from baocao.apps.api.models import Token


class Command(BaseCommand):
    help = "Cấp khóa API cho một người dùng (in ra một lần); --rotate để thay, --revoke để thu hồi."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--rotate", action="store_true", help="Thay khóa đang có.")
        parser.add_argument("--revoke", action="store_true", help="Thu hồi khóa đang có.")

    def handle(self, username, rotate=False, revoke=False, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có người dùng “{username}”.")
        existing = Token.objects.filter(user=user).first()
        if revoke:
            if existing is None:
                raise CommandError(f"{username} chưa có khóa API.")
            existing.delete()
            self.stderr.write(f"Đã thu hồi khóa API của {username}.")
            return
        if existing is not None and not rotate:
            raise CommandError(
                f"{username} đã có khóa API ({existing.prefix}…); dùng --rotate để cấp khóa mới."
            )
        _token, key = Token.issue(user)
        self.stderr.write(f"Khóa API của {username} (chỉ hiện một lần, hãy lưu lại):")
        self.stdout.write(key)
