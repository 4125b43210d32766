"""조합 도우미: a help bot for the member companies of a construction guarantee cooperative."""
