"""Small readers for rendered HTML, so tests assert on what a visitor gets rather than on markup details;
`git` for tests that make a repository; a plain static file server for the export."""
from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

from app.config import PROJECT_ROOT

# What a copy of translations/ leaves out: the .mo files and their source digests the site rebuilds, and the
# temporary files of an atomic write another test's app may be making in the checkout's translations/ at
# that instant (copytree would fail on one that is renamed away while it copies).
CATALOG_SIDE_FILES = shutil.ignore_patterns("*.mo", "*.mo.source", ".*.tmp", "__pycache__")

# The source text as supplied, kept in the repo so the word-for-word test runs on any clone.
DIRECTOR_MESSAGE = PROJECT_ROOT / "content" / "director-message.en.txt"


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text_parts: list[str] = []
        self.links: list[dict] = []
        self.anchors: list[dict] = []
        self.html_lang = None
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_lang = attrs.get("lang")
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "a":
            self.anchors.append(attrs)
        elif tag in ("script", "style", "title"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "title"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text_parts.append(data)


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def visible_text(html: str) -> str:
    """The page's text as a reader sees it: tags gone, whitespace collapsed."""
    return re.sub(r"\s+", " ", "".join(parse(html).text_parts)).strip()


def director_message_paragraphs() -> list[str]:
    """The source text's blocks (title, five paragraphs, signature lines), emphasis marks removed."""
    text = DIRECTOR_MESSAGE.read_text(encoding="utf-8")
    return [block.strip().replace("*", "") for block in re.split(r"\n\s*\n", text) if block.strip()]


def git(root, *args: str) -> str:
    """Run git in `root` as a throwaway identity (tests make their own repositories); its stdout."""
    done = subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org",
                           "-c", "commit.gpgsign=false", *args], cwd=root, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def file_server(directory: Path, port: int):
    """`python -m http.server` on `directory`: a plain static host, which sends no security headers."""
    server = subprocess.Popen([sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory",
                               str(directory), str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "http.server did not start"
                time.sleep(0.05)
        yield
    finally:
        server.terminate()
        server.wait(timeout=10)


def unreviewed_translations(destination: Path) -> Path:
    """A copy of the project's translations/ (no .mo) where ja is published without review, for a server
    started from the environment: a translator's save is written at once, not a suggestion."""
    shutil.copytree(PROJECT_ROOT / "translations", destination, ignore=CATALOG_SIDE_FILES)
    toml = destination / "locales.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("without_review = []", 'without_review = ["ja"]'),
                    encoding="utf-8")
    return destination
