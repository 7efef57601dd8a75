"""Pre-registration's pure logic: typed answers, the privacy notice, the steps and their texts."""
