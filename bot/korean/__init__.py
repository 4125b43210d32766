"""What several domains share about Korean as members write it: hangul (jamo, squashing, the one
josa helper), dates and amounts (relative to today, in number words), short answers (예/아니요, a
month, a choice's number), how a message leans on the conversation (a clear question, a
follow-up), phone numbers (one pattern, masked for logs and reports), small talk, and Korean time."""
