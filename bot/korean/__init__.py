"""What several domains share about Korean as members write it: hangul (jamo, squashing), one
josa helper, dates, amounts and yes/no answers, phone numbers (one pattern, masked for logs and
reports), small talk, and Korean time."""
