"""Telegram only: updates become engine events, the engine's replies become Bot API calls.

- translate: Message / CallbackQuery -> Event (group addressing, deep links, verified contacts)
- render:    Reply -> HTML messages and keyboards (pure helpers)
- replies:   sending or editing those messages, then the venues
- delivery:  retries for flood control and network errors; blocked chats logged once
- processor: chats handled concurrently, each chat's updates in order
- callbacks: the python-telegram-bot callbacks, the error handler, the command menu

Nothing below this package sees a Telegram type: capabilities speak in Event and Reply (buttons,
venues, keyboard="location"/"contact"/"remove", feedback_ref) and get Telegram's look for free."""
