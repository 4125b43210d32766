"""보증해제 안내 문자 수신자: the recipient store (registry, schema, model, key), the rules of who
receives (policy), requests and approvals with their one-time codes, the outbox for the SMS
gateway and throttling (service, codes, outbox, throttle), consent, the member list import, the
day's notices, Korean identifiers and staff CSV files, the branch directory as SMS needs it, the
staff command line, and the chat flow the engine talks to (capability and its steps in chat,
chat_register, chat_change, chat_company, staff; intents)."""
