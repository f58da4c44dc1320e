"""The history of every run: a store (SQLite or PostgreSQL), change points, and a dashboard.

Needs the ``history`` extra (SQLAlchemy, psycopg, Apache Otava, matplotlib), kept out of the
core like hypothesis' ``extra/``: ``pip install 'mnist-models[history]'``.
"""
