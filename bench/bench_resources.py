"""Resource exhaustion from small inputs (issue 16, items 4-6), against a real gunicorn with
production settings (DEBUG off, 2 workers x 2 threads) on a fresh SQLite file with the demo
province, and nginx with deploy/nginx.conf in front of it when nginx is installed:

1. a POST to the login page announcing 300 MB and sending 100 bytes: how soon the 413 comes;
2. eight clients sending an allowed 2 KB body at 100 bytes a second: how long another person
   waits for the login page, straight to gunicorn and through nginx;
3. six PDF downloads at once by one consolidator, and another officer's home page meanwhile
   (gunicorn 5 workers x 2 threads, as in README): with the conversions unlimited
   (BAOCAO_CONVERSIONS=6, as before) and with the default;
4. a 120,000-row unit import on SQLite: the whole import and the time it holds the write lock.

Prints figures; asserts nothing. Run:
    .venv/bin/python bench/bench_resources.py
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CSRF = "benchbenchbenchbenchbenchbench12"  # a 32-character CSRF secret, sent as cookie and field
PASSWORD = "baocao-demo"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(var: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BAOCAO_")}
    env.pop("DATABASE_URL", None)
    return env | {
        "DJANGO_SETTINGS_MODULE": "baocao.web.settings",
        "BAOCAO_VAR_DIR": str(var),
        "BAOCAO_DEBUG": "0",
        "BAOCAO_SECRET_KEY": "bench-" + "k" * 50,
        "BAOCAO_ALLOWED_HOSTS": "127.0.0.1",
        "BAOCAO_HTTPS": "0",
        "BAOCAO_CONVERSION_LOCKS": str(var / "conversions"),
        **extra,
    }


class Server:
    """A process group started here (gunicorn, nginx), stopped as one."""

    def __init__(self, command: list[str], env: dict[str, str], log: Path):
        with log.open("a") as out:
            self.process = subprocess.Popen(
                command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def gunicorn(var: Path, port: int, workers: int = 2, **extra: str) -> Server:
    command = [str(BIN / "gunicorn"), "baocao.web.wsgi", "-b", f"127.0.0.1:{port}"]
    command += ["-w", str(workers), "-k", "gthread", "--threads", "2", "--keep-alive", "30"]
    command += ["--timeout", "150", "--log-level", "warning"]
    server = Server(command, environment(var, **extra), var / "gunicorn.log")
    wait_for(port)
    return server


def nginx(var: Path, port: int, upstream: int) -> Server | None:
    """deploy/nginx.conf's HTTPS server as plain HTTP on `port`, its limits unchanged."""
    if not shutil.which("nginx"):
        return None
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    site = site.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream};")
    site = re.sub(r"server \{\n    listen 80;.*?\n\}\n", "", site, count=1, flags=re.S)
    site = site.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{port};")
    site = re.sub(r"\n    (listen \[::\]:443|ssl_)[^\n]*", "", site)
    folder = var / "nginx"
    folder.mkdir(mode=0o777)
    (folder / "site.conf").write_text(site)
    (folder / "nginx.conf").write_text(
        f"pid {folder}/nginx.pid;\nerror_log {folder}/error.log;\nevents {{}}\nhttp {{\n"
        f"  access_log off;\n  client_body_temp_path {folder}/body;\n"
        f"  proxy_temp_path {folder}/proxy;\n  include {folder}/site.conf;\n}}\n"
    )
    command = ["nginx", "-g", "daemon off;", "-c", str(folder / "nginx.conf"), "-p", str(folder)]
    server = Server(command, dict(os.environ), folder / "nginx.out")
    wait_for(port)
    return server


def wait_for(port: int) -> None:
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


def request(port: int, method: str, path: str, body: bytes = b"", cookies: str = "", **headers):
    """(status, headers, body bytes, seconds) of one request on a fresh connection."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=200)
    try:
        connection.request(method, path, body=body or None, headers={"Cookie": cookies, **headers})
        response = connection.getresponse()
        data = response.read()
        return response.status, dict(response.getheaders()), data, time.perf_counter() - started
    finally:
        connection.close()


def log_in(port: int, username: str) -> str:
    form = urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": CSRF})
    status, headers, _body, _s = request(
        port,
        "POST",
        "/dang-nhap/",
        form.encode(),
        cookies=f"csrftoken={CSRF}",
        **{"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 302, status
    session = re.search(r"sessionid=([^;]+)", headers["Set-Cookie"]).group(1)
    return f"csrftoken={CSRF}; sessionid={session}"


def huge_announced(port: int) -> str:
    """Seconds until the answer to a POST announcing 300 MB that sends 100 bytes."""
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall(
            b"POST /dang-nhap/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: multipart/form-data; boundary=x\r\n"
            + f"Content-Length: {300 * 1024 * 1024}\r\n\r\n".encode()
            + b"--x\r\n"
            + b"a" * 95
        )
        try:
            status = sock.recv(100).split(b"\r\n")[0].decode()
        except TimeoutError:
            return "no answer in 60 s"
    return f"{status!r} after {time.perf_counter() - started:.3f} s"


def slow_clients(port: int, count: int = 8, size: int = 2000, rate: int = 100) -> str:
    """Time another person waits for the login page while `count` clients send `size`-byte
    bodies at `rate` bytes a second."""
    stop = threading.Event()

    def trickle() -> None:
        with socket.create_connection(("127.0.0.1", port), timeout=120) as sock:
            sock.sendall(
                b"POST /dang-nhap/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\n"
                # With a CSRF cookie, or Django refuses the form before reading its body.
                + f"Cookie: csrftoken={CSRF}\r\nContent-Length: {size}\r\n\r\n".encode()
            )
            for _ in range(size // rate):
                if stop.is_set():
                    return
                sock.sendall(b"a" * rate)
                time.sleep(1)

    threads = [threading.Thread(target=trickle, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    time.sleep(2)  # the slow bodies are under way
    try:
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
        try:
            connection.request("GET", "/dang-nhap/")
            status = connection.getresponse().status
            return f"{status} after {time.perf_counter() - started:.3f} s"
        except TimeoutError:
            return "no answer in 15 s"
        finally:
            connection.close()
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=5)


def conversions_of(server: Server) -> int:
    """Conversions running now under `server`'s workers: each is one `oosplash`, the process
    `soffice` becomes (its soffice.bin restarts once with a fresh profile, so is not counted)."""
    import psutil

    try:
        children = psutil.Process(server.process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return 0
    running = 0
    for child in children:
        with contextlib.suppress(psutil.NoSuchProcess):
            if child.name() == "oosplash" and child.status() != psutil.STATUS_ZOMBIE:
                running += 1
    return running


def pdf_storm(server: Server, port: int, count: int = 6) -> str:
    consolidator, officer = log_in(port, "tinh"), log_in(port, "dakha")
    path = "/dot-bao-cao/nq20-kon-tum-2017/bao-cao/KT/tai-ve.pdf"
    answers: list = [None] * count

    def download(index: int) -> None:
        answers[index] = request(port, "GET", path, cookies=consolidator)

    threads = [threading.Thread(target=download, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)  # the PDFs are under way
    running = [0]

    def count_conversions() -> None:
        while any(thread.is_alive() for thread in threads):
            running.append(conversions_of(server))
            time.sleep(0.1)

    counter = threading.Thread(target=count_conversions)
    counter.start()
    home = []
    while any(thread.is_alive() for thread in threads):
        home.append(request(port, "GET", "/", cookies=officer)[3])
        time.sleep(0.25)
    counter.join()
    for thread in threads:
        thread.join()
    statuses = sorted(answer[0] for answer in answers)
    slowest = max(answer[3] for answer in answers)
    home.sort()
    return (
        f"PDFs {statuses} (slowest answer {slowest:.1f} s), at most {max(running)} "
        f"conversions at once; another officer's home page "
        f"meanwhile, {len(home)} times: median {home[len(home) // 2]:.2f} s, "
        f"slowest {home[-1]:.2f} s"
    )


def unit_import(var: Path) -> str:
    lines = ["code,name,kind,parent_code,email", "TLD,Tổng Liên đoàn,national,,"]
    lines += [f"P{p},LĐLĐ tỉnh {p},province,TLD," for p in range(60)]
    lines += [f"P{d % 60}-D{d},LĐLĐ huyện {d},district,P{d % 60}," for d in range(600)]
    lines += [
        f"P{i % 60}-D{i % 600}-C{i},CĐCS số {i},grassroots,P{i % 60}-D{i % 600},"
        for i in range(120_000 - 661)
    ]
    (var / "units.csv").write_text("\n".join(lines))
    code = (
        "import time, django; django.setup()\n"
        "from django.db import transaction\n"
        "from baocao.apps.orgs import services\n"
        "atomic, held = transaction.atomic, []\n"
        "class Timed:\n"
        "    def __enter__(self):\n"
        "        self.block = atomic(); self.block.__enter__(); self.t = time.perf_counter()\n"
        "    def __exit__(self, *error):\n"
        "        done = self.block.__exit__(*error); held.append(time.perf_counter() - self.t)\n"
        "        return done\n"
        "services.transaction.atomic = lambda *a, **k: Timed()\n"
        "data = open('units.csv', 'rb').read()\n"
        "for run in ('new', 'again'):\n"
        "    t = time.perf_counter(); result = services.import_units(data, 'units.csv')\n"
        "    print(f'{run}: {result.summary()}: {time.perf_counter() - t:.1f} s, '\n"
        "          f'write lock {held[-1]:.1f} s')\n"
    )
    env = environment(var / "import")
    (var / "import").mkdir()
    subprocess.run([str(BIN / "baocao"), "manage", "migrate", "-v0"], env=env, check=True)
    output = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=var, check=True, capture_output=True, text=True
    )
    return output.stdout.strip().replace("\n", "; ")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="baocao-bench-resources-") as folder:
        var = Path(folder)
        print("setting up the demo province ...", flush=True)
        subprocess.run(
            [str(BIN / "baocao"), "demo"], env=environment(var), check=True, capture_output=True
        )
        port, proxy_port = free_port(), free_port()
        server = gunicorn(var, port)
        proxy = nginx(var, proxy_port, port)
        try:
            for attempt in ("first (a cold worker)", "second"):
                print(f"1. 300 MB announced, to gunicorn, {attempt}: {huge_announced(port)}")
            if proxy:
                print(f"   through nginx: {huge_announced(proxy_port)}", flush=True)
            print(f"2. 8 slow clients, to gunicorn: {slow_clients(port)}", flush=True)
            if proxy:
                print(f"   through nginx: {slow_clients(proxy_port)}", flush=True)
            else:
                print("   nginx is not installed: no figure through the proxy")
        finally:
            if proxy:
                proxy.stop()
            server.stop()
        for label, extra in (
            ("unlimited (BAOCAO_CONVERSIONS=6)", {"BAOCAO_CONVERSIONS": "6"}),
            (f"default ({os.cpu_count()} cores)", {}),
        ):
            server = gunicorn(var, port, workers=5, **extra)  # as README's production command
            try:
                print(f"3. {label}: {pdf_storm(server, port)}", flush=True)
            finally:
                server.stop()
        print(f"4. 120,000-row unit import on SQLite: {unit_import(var)}", flush=True)


if __name__ == "__main__":
    main()
