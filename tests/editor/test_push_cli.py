"""`flask --app app translations push`: the translators' commits pushed as a job apart from any request,
retried, and a failure that every attempt met is exit 1."""
from __future__ import annotations

import subprocess

from app import create_app
from tests.conftest import editor_config


def test_the_push_job_pushes_and_retries(translations_copy, instance_dir, tmp_path):
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    git = ["git", "-C", str(translations_copy), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "start"], check=True)
    app = create_app(editor_config(translations_copy, instance_dir))
    runner = app.test_cli_runner()
    failed = runner.invoke(args=["translations", "push", "--remote", "nowhere", "--attempts", "2", "--wait", "0"])
    assert failed.exit_code == 1 and "failed 2 times" in failed.output
    subprocess.run([*git, "remote", "add", "origin", str(remote)], check=True)
    pushed = runner.invoke(args=["translations", "push", "--wait", "0"])
    assert pushed.exit_code == 0, pushed.output
    head = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True).stdout
    assert subprocess.run(["git", "-C", str(remote), "rev-parse", "HEAD"], capture_output=True,
                          text=True).stdout == head
