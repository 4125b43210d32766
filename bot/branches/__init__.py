"""The branch finder: the branch table and the gazetteer of places, the finder over both, and the
capability the engine talks to (nearest branches, one branch's contacts, the full list)."""
