"""`flask --app app translations push`: push the translators' commits, as a job apart from any request.

A save commits on the editing instance (store.py) with hooks off and never pushes: a push can take as long
as the network does. Run this from a systemd timer or cron (README, Deployment). It retries with growing
waits, logs each attempt, and exits 1 when every attempt failed, so the timer's status shows it.
"""
from __future__ import annotations

import logging
import subprocess
import time

import click
from flask import current_app
from flask.cli import with_appcontext

log = logging.getLogger(__name__)

PUSH_TIMEOUT = 120  # seconds one `git push` may take


@click.group("translations")
def translations_cli():
    """The editor's commits of translations/."""


@translations_cli.command("push")
@click.option("--remote", default="origin", show_default=True, help="The remote to push to.")
@click.option("--attempts", default=3, show_default=True, type=click.IntRange(1, 20))
@click.option("--wait", default=10.0, show_default=True, type=click.FloatRange(0),
              help="Seconds before the second attempt, doubling after each failure.")
@with_appcontext
def push_command(remote: str, attempts: int, wait: float) -> None:
    """Push the branch of the translations' work tree (HEAD) to REMOTE."""
    directory = str(current_app.config["TRANSLATIONS_DIR"])
    command = ["git", "-c", "core.hooksPath=/dev/null", "-C", directory, "push", "--porcelain", remote, "HEAD"]
    for attempt in range(1, attempts + 1):
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=PUSH_TIMEOUT)
            failure = result.returncode and (result.stderr.strip() or f"exit {result.returncode}")
        except subprocess.TimeoutExpired:
            failure = f"no answer within {PUSH_TIMEOUT} s"
        if not failure:
            log.info("translations push to %s: done (attempt %d)", remote, attempt)
            click.echo(f"pushed to {remote}")
            return
        log.warning("translations push to %s, attempt %d of %d: %s", remote, attempt, attempts, failure)
        if attempt < attempts:
            time.sleep(wait * 2 ** (attempt - 1))
    raise click.ClickException(f"push to {remote} failed {attempts} times (see the log)")
