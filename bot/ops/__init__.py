"""Running the bot as a service: backup and restore of BOT_DB, the run lock, the heartbeat, the
health check and the log format. Sits above the domains (it reads their schemas through bot.app)
and below the Telegram side, which schedules the nightly backup and writes the heartbeat."""
