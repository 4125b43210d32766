"""Capabilities: one module per thing the bot can do in a conversation."""
