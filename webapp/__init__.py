"""Build tooling for the installable web app (the staff app with Python in the browser).

``python -m webapp`` (run by ``scripts/build_web.sh``) publishes the client with Flet's
static publishing into ``dist/web/``: Pyodide, every wheel and the Rive runtime are
served from the app's own origin, and a service worker of ours keeps it all offline.
``python -m webapp.serve`` serves the result. Nothing here runs inside the app.
"""
