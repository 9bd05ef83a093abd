"""Tools for scenario writers: ``python -m actions.scenarios new|validate|list|try`` (see cli.py).

Runs in the action server's environment (.venv-actions); nothing here is needed by the server itself.
"""
