"""`flask --app planner ...` commands."""
import logging
import os

import click
from flask import current_app
from flask.cli import AppGroup

from . import jobs
from .backup import backup_command
from .demo.cli import demo_cli
from .suggestions.cli import plan_cli
from .oversight.cli import oversight_cli

jobs_cli = AppGroup("jobs", help="Background jobs (solves, analyses): run a job worker.")


@jobs_cli.command("worker")
@click.option("--workers", default=2, show_default=True, help="Jobs run at once by this worker.")
@click.option("--threads", is_flag=True, help="Threads instead of processes (one process).")
@click.option("--nice", "niceness", default=15, show_default=True,
              help="Lower CPU priority, so page reads on the same machine stay fast.")
def jobs_worker(workers, threads, niceness):
    """Run jobs from the queue (Redis at REDIS_URL, else instance/jobs.sqlite3) until stopped.

    Start as many as the machines allow, on this machine or others, with the same
    DATABASE_URL, REDIS_URL and SECRET_KEY as the web servers (docs/deploy.md)."""

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    if niceness:
        os.nice(niceness)
    current_app.config["JOB_CONSUMER"] = "external"
    click.echo(f"planner job worker: {workers} {'threads' if threads else 'processes'}, queue "
               f"{'Redis' if current_app.config.get('REDIS_URL') else 'SQLite (instance/jobs.sqlite3)'}", err=True)
    jobs.run_worker(current_app._get_current_object(), workers=workers,
                    worker_type="thread" if threads else "process")


def register(app):
    app.cli.add_command(demo_cli)
    app.cli.add_command(plan_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(oversight_cli)
