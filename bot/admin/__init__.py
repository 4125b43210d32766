"""Staff-only: the report of questions the bot could not answer or got 👎 for."""
