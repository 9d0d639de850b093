"""Shopfloor API: FastAPI on uvicorn, SQLite by default, PostgreSQL-ready (SQLAlchemy Core)."""

from backend_stub.main import create_app

__all__ = ["create_app"]
