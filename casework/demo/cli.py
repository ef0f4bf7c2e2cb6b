import click


@click.command("demo")
def demo_command() -> None:
    """Load the demo program, accounts and families (idempotent)."""


@click.command("seed")
def seed_command() -> None:
    """Generate fictional families at scale."""
