"""Settings every `applicant-bot run` a test or benchmark starts needs beyond the sandbox's."""

from __future__ import annotations

# `run` requires who is responsible for the data (the privacy notice names them).
RUN_PRIVACY_SETTINGS = {
    "PRIVACY_CONTROLLER": "Test Programme Team",
    "PRIVACY_CONTACT": "privacy@test.example",
}
