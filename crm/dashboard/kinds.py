"""How a dashboard value is shown and downloaded: a percentage, a count, days..."""

PERCENT, NUMBER, DAYS, MONEY, TEXT = "percent", "number", "days", "money", "text"
