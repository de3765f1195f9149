"""The workspace's web layer: FastAPI routes, Jinja2 pages in Vietnamese, one CSS file, no script.

It calls only `workspace.service.Workspace` (the facade): it never opens the database and never scores.
Authorization is enforced in the facade and checked here again, by role, before any call.
"""
