"""``python -m backend_stub``: run the API (optionally seeding the demo chain first)."""

import argparse
import logging
import tempfile

import click
import uvicorn

from backend_stub.engine import create_schema, make_engine
from backend_stub.logs import configure_logging
from backend_stub.main import create_app
from backend_stub.seed import demo_logins, seed_demo
from backend_stub.settings import Settings

logger = logging.getLogger("backend_stub")


def _prepare(settings: Settings, seed: bool, show_logins: bool) -> None:
    """Migrate the schema once, before any worker starts (workers then find it at head)."""
    engine = make_engine(settings.db_url)
    create_schema(engine)
    if seed:
        fresh = seed_demo(engine)
        logger.info("demo chain %s", "seeded" if fresh else "already in the database")
    engine.dispose()
    if show_logins:
        # The command's output for the person running it, never the server log (PINs).
        click.echo("Demo logins (staff number / PIN):")
        for staff_no, pin, name, role in demo_logins():
            click.echo(f"  {staff_no} / {pin}  {role:<14} {name}")


def main() -> None:
    parser = argparse.ArgumentParser(prog="backend_stub", description="Shopfloor API")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the API on uvicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1,
                       help="worker processes (use PostgreSQL for more than one or two)")
    serve.add_argument("--seed", action="store_true", help="seed the demo chain if the database is empty")
    sub.add_parser("seed", help="seed the demo chain if the database is empty, then exit")
    sub.add_parser("migrate", help="bring the database schema up to date (alembic upgrade head)")
    revision = sub.add_parser("revision", help="write a migration for changes to backend_stub/db.py")
    revision.add_argument("-m", "--message", required=True)
    args = parser.parse_args()

    configure_logging()
    settings = Settings()
    if args.command == "revision":
        from backend_stub.migrations import write_revision

        # Against a scratch database at head, never the one in use: only the diff matters.
        with tempfile.TemporaryDirectory() as scratch:
            write_revision(make_engine(f"sqlite:///{scratch}/scratch.db"), args.message)
        return
    _prepare(settings, seed=args.command == "seed" or args.seed,
             show_logins=args.command == "seed")
    if args.command == "serve" and args.workers > 1:
        # Each worker builds its own app (and engine) from the same SHOPFLOOR_* environment.
        uvicorn.run("backend_stub.main:create_app", factory=True, host=args.host, port=args.port,
                    workers=args.workers, log_level="warning")
    elif args.command == "serve":
        uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
