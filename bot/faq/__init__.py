"""Answers from the guides: knowledge/faq.yaml loaded and validated (knowledge), the analyser
(Kiwi), the index that ranks entries against a message (index), the OCR corrections list
(corrections), and the capability the engine talks to (capability)."""
