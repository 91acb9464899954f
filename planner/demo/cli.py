"""`flask --app planner demo load`: the demo kabupaten, villages, plans and users."""
import click
from flask import current_app
from flask.cli import with_appcontext

from .. import jobs
from .data import database_is_empty, load_demo, logins_text

demo_cli = click.Group("demo", help="Demo data.")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has regions.")
@with_appcontext
def load(if_empty):
    """Create the demo kabupaten with its kecamatan, villages, plans, proposals and users."""

    if if_empty and not database_is_empty():
        click.echo("Database already has data: demo not loaded.")
        return

    # The meeting services speak through Flask-Babel; their re-solves run here, not in a queue.
    with current_app.test_request_context(), jobs.immediately(current_app):
        summary = load_demo()
    click.echo(summary)
    click.echo(logins_text())
