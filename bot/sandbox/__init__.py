"""The local Telegram sandbox: a Bot API emulator and a web chat page."""
