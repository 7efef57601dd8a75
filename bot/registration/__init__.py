"""The /register conversation's pure logic: checking and parsing what the user types."""
