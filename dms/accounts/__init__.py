"""Organisations, users, API tokens, roles, and who acts with which authority."""
