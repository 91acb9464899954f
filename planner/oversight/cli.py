"""`flask --app planner oversight ...`: maintenance of what the dashboards read."""
import click
from flask.cli import with_appcontext

from ..extensions import db
from ..services import summaries

oversight_cli = click.Group("oversight", help="Dashboards and their summaries.")


@oversight_cli.command("summaries")
@with_appcontext
def summaries_command():
    """Recompute every plan's summary (after a bulk load, or to be sure nothing drifted)."""
    count = summaries.rebuild_all(db.session)
    click.echo(f"{count} plan summaries rebuilt.")
