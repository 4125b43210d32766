"""보증해제 안내 문자 수신자: the recipient store (registry, model, key), consent, the member list
import, the day's notices, Korean identifiers and staff CSV files, the staff command line, and
the chat flow the engine talks to (capability, intents, staff)."""
