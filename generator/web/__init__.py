"""``vanban serve``: the campaign in a browser on the office's own computer.

A layer over the engine (``generator.app.workspace`` and what it calls): it depends on the engine,
never the reverse. ``server.serve`` starts it; ``app.create_app`` makes the application."""
