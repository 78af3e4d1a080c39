"""The Progress page: scores per skill over time and the weakest criteria."""
