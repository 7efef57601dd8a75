"""Pre-registration in the bot: the privacy notice, the steps and their texts, draft expiry."""
