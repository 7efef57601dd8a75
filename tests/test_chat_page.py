"""The sandbox chat page in a real headless Chromium, chatting with the real bot."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from bot.sandbox.server import RunningSandbox

if TYPE_CHECKING:
    from playwright.async_api import Browser, Page, Request, Route, ViewportSize

async_api = pytest.importorskip(
    "playwright.async_api",
    reason="Playwright is not installed; `make test` installs the dev extras that include it.",
)

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE_WIDTH, PHONE_HEIGHT = 360, 640
WAIT_MS = 15_000
BOT_MESSAGES = '[data-testid="message"][data-from="bot"]'
USER_MESSAGES = '[data-testid="message"][data-from="user"]'


def chromium_executable() -> str | None:
    """Debian's Chromium, if installed."""
    found = shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


@dataclass
class ChatPage:
    """A phone-sized browser tab on the sandbox, with the script errors it raised."""

    page: Page
    url: str
    script_errors: list[str] = field(default_factory=list)


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    """Headless Debian Chromium driven by Playwright."""
    executable = chromium_executable()
    if executable is None:
        pytest.skip(
            "Chromium is not installed (no `chromium` on PATH or /usr/bin/chromium); "
            "run `bash .ci/install-browser.sh` to test the chat page in a real browser."
        )
    async with async_api.async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def chat(browser: Browser, sandbox: RunningSandbox) -> AsyncIterator[ChatPage]:
    """A fresh phone-sized tab (empty local storage) ready to open the sandbox page."""
    phone: ViewportSize = {"width": PHONE_WIDTH, "height": PHONE_HEIGHT}
    context = await browser.new_context(viewport=phone)
    page = await context.new_page()
    page.set_default_timeout(WAIT_MS)
    async_api.expect.set_options(timeout=WAIT_MS)
    opened = ChatPage(page=page, url=sandbox.url)
    page.on("pageerror", lambda error: opened.script_errors.append(str(error)))
    try:
        yield opened
    finally:
        await context.close()


async def send(page: Page, text: str) -> None:
    """Type a message and press Enter, as a person would."""
    box = page.get_by_test_id("message-input")
    await box.fill(text)
    await box.press("Enter")


async def test_a_new_user_starts_the_bot_and_presses_a_button(
    chat: ChatPage, tmp_path: Path
) -> None:
    page, expect = chat.page, async_api.expect
    await page.goto(chat.url)
    await page.get_by_test_id("user-preset").select_option(label="Ana (Braga), id 1001")
    await expect(page.get_by_test_id("user-id")).to_have_value("1001")
    await expect(page.get_by_test_id("user-name")).to_have_value("Ana")

    await send(page, "/start")
    await expect(page.locator(USER_MESSAGES)).to_contain_text(["/start"])
    welcome = page.locator(BOT_MESSAGES).first
    await expect(welcome).to_contain_text("Welcome, Ana!")
    await expect(welcome.locator("strong").first).to_contain_text("Welcome")  # HTML bold kept

    faq_button = welcome.get_by_test_id("inline-button").filter(
        has_text=re.compile("FAQ|questions", re.IGNORECASE)
    )
    await faq_button.first.click()
    # The press either edits the welcome message or sends a new one; both leave a bot
    # message that is no longer the welcome text.
    await expect(page.locator(BOT_MESSAGES).filter(has_not_text="Welcome").first).to_be_visible()

    screenshot = tmp_path / "chat-phone.png"
    await page.screenshot(path=str(screenshot))
    assert screenshot.stat().st_size > 0
    page_width = await page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= PHONE_WIDTH, "the page scrolls sideways on a phone"
    send_box = await page.get_by_test_id("send-button").bounding_box()
    assert send_box is not None and send_box["height"] >= 40, "send button too small to tap"
    assert chat.script_errors == []


async def test_user_text_is_shown_literally_and_never_runs(chat: ChatPage) -> None:
    page, expect = chat.page, async_api.expect
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    await page.goto(chat.url)
    await page.get_by_test_id("user-preset").select_option(label="Jonas (Tartu), id 1002")
    image_attack = '<img src=x onerror="window.__pwned=1;alert(1)">'
    script_attack = "<script>window.__pwned=2;alert(2)</script> & <b>bold?</b>"

    await send(page, image_attack)
    await send(page, script_attack)
    texts = page.locator(USER_MESSAGES).get_by_test_id("message-text")
    await expect(texts).to_have_text([image_attack, script_attack])
    await expect(page.locator(BOT_MESSAGES)).to_have_count(2)  # the bot answered both

    messages = page.get_by_test_id("messages")
    assert await messages.locator("img, script, b").count() == 0
    assert await page.evaluate("window.__pwned") is None
    assert dialogs == []
    assert chat.script_errors == []


async def test_switching_user_loads_that_chat_and_is_remembered(chat: ChatPage) -> None:
    page, expect = chat.page, async_api.expect
    await page.goto(chat.url)
    await page.get_by_test_id("user-preset").select_option(label="Ana (Braga), id 1001")
    await send(page, "/start")
    await expect(page.locator(BOT_MESSAGES).first).to_contain_text("Welcome, Ana!")

    await page.get_by_test_id("user-id").fill("4242")
    await page.get_by_test_id("user-name").fill("Mia")
    await page.get_by_test_id("user-name").press("Enter")
    await expect(page.get_by_test_id("message")).to_have_count(0)
    await expect(page.get_by_test_id("user-preset")).to_have_value("custom")

    await page.reload()
    await expect(page.get_by_test_id("user-id")).to_have_value("4242")
    await expect(page.get_by_test_id("user-name")).to_have_value("Mia")
    await page.get_by_test_id("user-preset").select_option(label="Ana (Braga), id 1001")
    await expect(page.locator(BOT_MESSAGES).first).to_contain_text("Welcome, Ana!")
    user_texts = page.locator(USER_MESSAGES).get_by_test_id("message-text")
    await expect(user_texts).to_have_text(["/start"])
    assert chat.script_errors == []


async def test_problems_show_one_clear_sentence_and_blocking_toggles(chat: ChatPage) -> None:
    page, expect = chat.page, async_api.expect
    banner = page.get_by_test_id("error-banner")
    await page.route("**/api/**", lambda route: route.abort())
    await page.goto(chat.url)
    await expect(banner).to_be_visible()
    await expect(banner).to_contain_text("cannot be reached")
    await page.unroute("**/api/**")
    await expect(banner).to_be_hidden()  # the page retried by itself

    block = page.get_by_test_id("block-toggle")
    await block.click()
    await expect(block).to_have_attribute("aria-pressed", "true")
    await expect(block).to_have_text("Unblock bot")
    await block.click()
    await expect(block).to_have_attribute("aria-pressed", "false")

    await page.get_by_test_id("user-id").fill("12ab")
    await page.get_by_test_id("user-id").press("Enter")
    await expect(banner).to_contain_text("The user id must be a whole number above 0")


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def formatted(parts: list[tuple[str, dict[str, Any] | None]]) -> tuple[str, list[dict[str, Any]]]:
    """Text and entities built from (piece, entity-or-None) pairs."""
    text, entities = "", []
    for piece, entity in parts:
        if entity is not None:
            entities.append({**entity, "offset": utf16_length(text), "length": utf16_length(piece)})
        text += piece
    return text, entities


async def test_bot_formatting_renders_safely_and_buttons_call_the_api(chat: ChatPage) -> None:
    page, expect = chat.page, async_api.expect
    text, entities = formatted(
        [
            ("🇪🇺 ", None),
            ("bold", {"type": "bold"}),
            (" ", None),
            ("site", {"type": "text_link", "url": "https://example.org/page"}),
            (" ", None),
            ("trap", {"type": "text_link", "url": "javascript:window.__pwned=3"}),
            (" ", None),
            ("/help", {"type": "bot_command"}),
            ("\n", None),
            ("x = 1", {"type": "pre", "language": "python"}),
        ]
    )
    history = [
        {
            "message_id": 7,
            "from": "bot",
            "text": text,
            "entities": entities,
            "buttons": [
                [
                    {"text": "Open site", "url": "https://example.org/"},
                    {"text": "Bad", "url": "javascript:alert(1)"},
                ],
                [{"text": "Press me", "data": "p:1"}],
            ],
            "date": 1_700_000_000,
            "edited": False,
        },
        {
            "message_id": 8,
            "from": "bot",
            "text": "The call text",
            "entities": [],
            "buttons": [],
            "document": {"file_name": "call.pdf", "url": "/file/x/call.pdf"},
            "date": 1_700_000_001,
            "edited": True,
        },
    ]
    posted: list[tuple[str, dict[str, Any]]] = []

    async def fake_api(route: Route, request: Request) -> None:
        if request.method == "GET":
            await route.fulfill(json={"messages": history})
            return
        posted.append((request.url.rsplit("/", 1)[-1], json.loads(request.post_data or "{}")))
        reply = {"message_id": 9} if request.url.endswith("/messages") else {"ok": True}
        await route.fulfill(json=reply)

    await page.route("**/api/users/**", fake_api)
    await page.goto(chat.url)
    bot = page.locator(BOT_MESSAGES).first
    await expect(bot.locator("strong")).to_have_text("bold")  # offsets counted in UTF-16
    site = bot.get_by_role("link", name="site", exact=True)
    await expect(site).to_have_attribute("href", "https://example.org/page")
    await expect(site).to_have_attribute("rel", "noopener noreferrer")
    await expect(site).to_have_attribute("target", "_blank")
    assert await page.locator("a[href^='javascript:' i]").count() == 0
    await expect(bot).to_contain_text("trap")
    await expect(bot.locator("pre code")).to_have_text("x = 1")
    buttons = bot.get_by_test_id("inline-button")
    await expect(buttons).to_have_text(["Open site↗", "Bad", "Press me"])
    await expect(buttons.nth(0)).to_have_attribute("href", "https://example.org/")
    await expect(buttons.nth(1)).to_be_disabled()
    download = page.locator("a[download='call.pdf']")
    await expect(download).to_have_attribute("href", re.compile(r"/file/x/call\.pdf$"))
    await expect(page.locator(BOT_MESSAGES).nth(1)).to_contain_text("edited")

    await bot.get_by_role("button", name="/help").click()
    await buttons.nth(2).click()
    await expect(page.locator(USER_MESSAGES).get_by_test_id("message-text")).to_have_text(["/help"])
    assert ("messages", {"text": "/help", "first_name": "Ana"}) in posted
    assert ("callbacks", {"message_id": 7, "data": "p:1"}) in posted
    assert await page.evaluate("window.__pwned") is None
    assert chat.script_errors == []
