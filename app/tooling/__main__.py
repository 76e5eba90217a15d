"""`python -m app.tooling check|compile ...`: see app/tooling/cli.py."""
from app.tooling.cli import run

run(prog_name="python -m app.tooling")
