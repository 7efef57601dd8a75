"""Settings: typed values from a mapping and .env, every problem reported at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import BUNDLED_FAQ_DIR, SettingsError, load_settings, setting_names


def test_defaults_when_nothing_is_set() -> None:
    settings = load_settings({})
    assert settings.telegram_bot_token is None
    assert settings.admin_ids == frozenset()
    assert settings.data_dir == Path("data")
    assert settings.faq_dir == BUNDLED_FAQ_DIR
    assert settings.timezone == "Europe/Brussels"
    assert settings.webhook_port == 8443
    assert settings.log_level == "INFO"


@pytest.mark.parametrize(
    ("name", "raw", "attribute", "expected"),
    [
        ("ADMIN_IDS", "12, 34,,56", "admin_ids", frozenset({12, 34, 56})),
        ("STAFF_IDS", "7", "staff_ids", frozenset({7})),
        ("STAFF_CHAT_ID", "-1001234", "staff_chat_id", -1001234),
        ("TIMEZONE", "Europe/Tallinn", "timezone", "Europe/Tallinn"),
        ("LOG_LEVEL", "debug", "log_level", "DEBUG"),
        ("WEBHOOK_PORT", "8080", "webhook_port", 8080),
        ("TELEGRAM_BOT_TOKEN", "123:abc_DEF-9", "telegram_bot_token", "123:abc_DEF-9"),
        ("DATA_DIR", "/tmp/x", "data_dir", Path("/tmp/x")),
        ("FAQ_ANSWER_SCORE", "90", "faq_answer_score", 90.0),
    ],
)
def test_values_are_parsed_to_their_types(
    name: str, raw: str, attribute: str, expected: object
) -> None:
    assert getattr(load_settings({name: raw}), attribute) == expected


def test_every_problem_is_reported_at_once_one_line_each() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(
            {
                "ADMIN_IDS": "12,abc",
                "STAFF_IDS": "-5",
                "TIMEZONE": "Mars/Olympus",
                "WEBHOOK_PORT": "eighty",
                "LOG_LEVEL": "loud",
                "TELEGRAM_BOT_TOKEN": "not a token",
            }
        )
    problems = caught.value.problems
    named = {p.split(":")[0] for p in problems}
    assert named == {
        "ADMIN_IDS",
        "STAFF_IDS",
        "TIMEZONE",
        "WEBHOOK_PORT",
        "LOG_LEVEL",
        "TELEGRAM_BOT_TOKEN",
    }
    assert all("\n" not in p for p in problems)


def test_the_token_is_never_echoed_in_errors_or_repr() -> None:
    settings = load_settings({"TELEGRAM_BOT_TOKEN": "123456:SECRETSECRETSECRET"})
    assert "SECRET" not in repr(settings)


def test_webhook_needs_https_and_a_secret() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({"WEBHOOK_URL": "http://bot.example.org/hook"})
    assert caught.value.problems[0].startswith("WEBHOOK_URL")
    with pytest.raises(SettingsError) as caught:
        load_settings({"WEBHOOK_URL": "https://bot.example.org/hook"})
    assert "WEBHOOK_SECRET" in caught.value.problems[0]
    ok = load_settings({"WEBHOOK_URL": "https://bot.example.org/hook", "WEBHOOK_SECRET": "s3cr3t"})
    assert ok.webhook_url == "https://bot.example.org/hook"


def test_suggest_threshold_may_not_exceed_answer_threshold() -> None:
    with pytest.raises(SettingsError, match="FAQ_SUGGEST_SCORE"):
        load_settings({"FAQ_ANSWER_SCORE": "50", "FAQ_SUGGEST_SCORE": "60"})


def test_missing_faq_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="FAQ_DIR"):
        load_settings({"FAQ_DIR": str(tmp_path / "nowhere")})


def test_env_file_is_read_and_the_environment_wins(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("ADMIN_IDS=5\nSTAFF_IDS=6\nLOG_LEVEL=\n", encoding="utf-8")
    settings = load_settings({"STAFF_IDS": "7"}, env_file)
    assert settings.admin_ids == frozenset({5})
    assert settings.staff_ids == frozenset({7})
    assert settings.log_level == "INFO"


def test_roles_admins_are_also_staff() -> None:
    settings = load_settings({"ADMIN_IDS": "1", "STAFF_IDS": "2"})
    assert settings.is_admin(1) and settings.is_staff(1)
    assert settings.is_staff(2) and not settings.is_admin(2)
    assert not settings.is_staff(3) and not settings.is_staff(None)


def test_every_bad_user_id_is_named_with_what_is_wrong() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({"ADMIN_IDS": "12,abc, 3x", "STAFF_IDS": "-5,0"})
    admin, staff = caught.value.problems
    assert admin.startswith("ADMIN_IDS:") and "'abc' and '3x' are not numbers" in admin
    assert staff.startswith("STAFF_IDS:") and "'-5' and '0' must be positive" in staff
    assert "not numeric" not in staff


def test_a_missing_token_is_reported_with_the_other_problems_when_required() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({"ADMIN_IDS": "12,abc, 3x"}, require_token=True)
    named = [p.split(":")[0] for p in caught.value.problems]
    assert named == ["ADMIN_IDS", "TELEGRAM_BOT_TOKEN"]
    assert "applicant-bot sandbox" in caught.value.problems[1]
    assert load_settings({}).telegram_bot_token is None  # only `run` needs it


def test_a_named_env_file_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({}, tmp_path / "missing.env")
    assert caught.value.problems == [
        f"--env-file: {str(tmp_path / 'missing.env')!r} is not a file; "
        "give the path of your .env file"
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("http://127.0.0.1:8081", "http://127.0.0.1:8081"),
        ("https://tg.example.org/api/", "https://tg.example.org/api"),
    ],
)
def test_api_base_url_is_read(raw: str, expected: str) -> None:
    assert load_settings({"TELEGRAM_API_BASE_URL": raw}).telegram_api_base_url == expected


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("127.0.0.1:8081", "http:// or https://"),
        ("ftp://example.org", "http:// or https://"),
        ("http://127.0.0.1:8081/bot", "adds /bot<token>"),
        ("http://127.0.0.1:8081/?x=1", "adds /bot<token>"),
    ],
)
def test_a_bad_api_base_url_says_what_to_give(raw: str, words: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({"TELEGRAM_API_BASE_URL": raw})
    (problem,) = caught.value.problems
    assert problem.startswith("TELEGRAM_API_BASE_URL:") and words in problem


def test_the_sandbox_names_an_example_controller_that_says_it_is_one() -> None:
    settings = load_settings({})
    assert settings.privacy_controller == (
        "Example Programme Team (sandbox example; set PRIVACY_CONTROLLER)"
    )
    assert "sandbox example; set PRIVACY_CONTACT" in settings.privacy_contact
    assert settings.privacy_dpo_contact is None


def test_privacy_settings_are_read_and_checked() -> None:
    settings = load_settings(
        {
            "PRIVACY_CONTROLLER": " City of  Gent,\tClimate Office ",
            "PRIVACY_CONTACT": "privacy@gent.example",
            "PRIVACY_DPO_CONTACT": "dpo@gent.example",
        },
        require_token=False,
        require_privacy=True,
    )
    assert settings.privacy_controller == "City of Gent, Climate Office"
    assert (settings.privacy_contact, settings.privacy_dpo_contact) == (
        "privacy@gent.example",
        "dpo@gent.example",
    )
    with pytest.raises(SettingsError) as caught:
        load_settings({"PRIVACY_CONTACT": "x" * 201})
    (problem,) = caught.value.problems
    assert problem.startswith("PRIVACY_CONTACT: must be 1 to 200 characters")


def test_run_requires_a_real_controller_and_contact_with_the_other_problems() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(
            {
                "ADMIN_IDS": "abc",
                "PRIVACY_CONTACT": "privacy@example.org (sandbox example; set PRIVACY_CONTACT)",
            },
            require_token=True,
            require_privacy=True,
        )
    named = [p.split(":")[0] for p in caught.value.problems]
    assert named == ["ADMIN_IDS", "TELEGRAM_BOT_TOKEN", "PRIVACY_CONTROLLER", "PRIVACY_CONTACT"]
    assert all("the privacy notice must say" in p for p in caught.value.problems[2:])


def test_every_setting_is_documented_in_env_example_and_the_readme() -> None:
    root = Path(__file__).resolve().parent.parent
    example = (root / ".env.example").read_text(encoding="utf-8")
    readme = (root / "README.md").read_text(encoding="utf-8")
    names = sorted(setting_names())
    assert [n for n in names if f"\n{n}=" not in example] == []
    assert [n for n in names if f"`{n}`" not in readme] == []
