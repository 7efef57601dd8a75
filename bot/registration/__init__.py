"""Pre-registration's pure logic: answers, the privacy notice, the steps and texts, the export."""
