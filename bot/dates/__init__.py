"""The calculators' chat side: date and rule questions read from chat and answered by `rules/`
(credit-rating windows and validity, guarantee-release SMS send dates, mileage expiry, required
documents, evaluation exclusions)."""
