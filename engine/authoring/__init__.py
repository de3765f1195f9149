"""The rule author's tools: checks of a scheme, criterion cases, the scheme as Markdown, the diff of two schemes.

The runtime reads rules through `engine.scheme_loader`, which runs `scheme_checks`; nothing here scores a case
except through `engine.assess`.
"""
