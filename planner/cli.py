"""`flask --app planner ...` commands."""


def register(app):
    from .backup import backup_command
    from .demo.cli import demo_cli
    from .optimize.cli import plan_cli
    from .oversight.cli import oversight_cli

    app.cli.add_command(demo_cli)
    app.cli.add_command(plan_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(oversight_cli)
