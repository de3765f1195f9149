"""The workspace's database: models, the engine factory, migrations applied on open."""
