"""Pre-registration's pure logic: checking answers, the privacy notice, the staff export."""
