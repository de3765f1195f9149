"""The web workspace's data side: one department's case kept in a database, shared by its units.

Nothing in engine/ or evidence/ imports this package (engine/cli only lazily, for `cchc workspace`
and `cchc serve`). The web layer calls `workspace.service.Workspace` and nothing else. docs/workspace.md.
"""
