"""The sandbox chat page in a real headless Chromium, chatting with the real bot."""

from __future__ import annotations

import json
import re
import shutil
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp
import pytest
from telegram import InputFile

from bot.registration.steps import WHY, Step
from bot.sandbox.emulator import EmulatorConfig
from bot.sandbox.server import STATIC_DIR, RunningSandbox, running_sandbox
from bot.settings import Settings
from tests.registration_steps import walk_to
from tests.sandbox_client import SandboxClient, tiny_png

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


@asynccontextmanager
async def browser_tab(
    browser: Browser, url: str, width: int = PHONE_WIDTH, height: int = PHONE_HEIGHT
) -> AsyncIterator[ChatPage]:
    """A fresh tab (empty local storage) of this size, ready to open `url`."""
    viewport: ViewportSize = {"width": width, "height": height}
    context = await browser.new_context(viewport=viewport)
    page = await context.new_page()
    page.set_default_timeout(WAIT_MS)
    async_api.expect.set_options(timeout=WAIT_MS)
    opened = ChatPage(page=page, url=url)
    page.on("pageerror", lambda error: opened.script_errors.append(str(error)))
    try:
        yield opened
    finally:
        await context.close()


@pytest.fixture
async def chat(browser: Browser, sandbox: RunningSandbox) -> AsyncIterator[ChatPage]:
    """A fresh phone-sized tab ready to open the sandbox page."""
    async with browser_tab(browser, sandbox.url) as opened:
        yield opened


async def fake_chat_api(
    page: Page, history: list[dict[str, Any]], posted: list[tuple[str, dict[str, Any]]]
) -> None:
    """Answer the page's client API calls: listings with `history`, posts noted in `posted`."""

    async def answer(route: Route, request: Request) -> None:
        if request.method == "GET":
            await route.fulfill(json={"messages": history})
            return
        posted.append((request.url.rsplit("/", 1)[-1], json.loads(request.post_data or "{}")))
        reply = {"message_id": 9} if request.url.endswith("/messages") else {"ok": True}
        await route.fulfill(json=reply)

    await page.route("**/api/users/**", answer)


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


async def test_another_user_id_never_takes_the_previous_personas_name(
    chat: ChatPage, sandbox: RunningSandbox
) -> None:
    page, expect = chat.page, async_api.expect
    names = sandbox.emulator.world.chats
    await page.goto(chat.url)
    await page.get_by_test_id("user-preset").select_option(label="Ana (Braga), id 1001")
    await send(page, "hi")
    await expect(page.locator(USER_MESSAGES)).to_have_count(1)

    await page.get_by_test_id("user-preset").select_option(label="Someone else…")
    await expect(page.get_by_test_id("user-name")).to_have_value("")
    await page.get_by_test_id("user-id").fill("4343")
    await page.get_by_test_id("user-id").press("Enter")
    await send(page, "hello")
    await expect(page.locator(USER_MESSAGES)).to_have_count(1)
    assert (names[4343].first_name, names[1001].first_name) == ("User 4343", "Ana")

    await page.get_by_test_id("user-preset").select_option(label="Jonas (Tartu), id 1002")
    await page.get_by_test_id("user-id").fill("1001")  # the name field still says Jonas
    await page.get_by_test_id("user-id").press("Enter")
    await expect(page.get_by_test_id("user-name")).to_have_value("")
    await send(page, "again")
    await expect(page.locator(USER_MESSAGES)).to_have_count(2)
    assert names[1001].first_name == "Ana"
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
    await fake_chat_api(page, history, posted)
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


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_the_page_reconnects_after_a_restart_and_keeps_message_order(
    browser: Browser, settings: Settings, tmp_path: Path
) -> None:
    config = EmulatorConfig(static_dir=STATIC_DIR, rate_limit=False, data_dir=tmp_path / "emu")
    port = free_port()
    async with browser_tab(browser, f"http://127.0.0.1:{port}/") as chat:
        page, expect = chat.page, async_api.expect
        banner = page.get_by_test_id("error-banner")
        async with running_sandbox(settings, port=port, emulator_config=config):
            await page.goto(chat.url)
            await send(page, "/start")
            await expect(page.locator(BOT_MESSAGES).first).to_contain_text("Welcome")
        await expect(banner).to_contain_text("cannot be reached")

        async with running_sandbox(settings, port=port, emulator_config=config):
            await expect(banner).to_be_hidden()
            await send(page, "/help")
            user_texts = page.locator(USER_MESSAGES).get_by_test_id("message-text")
            await expect(user_texts).to_have_text(["/start", "/help"])
            # The reply comes below everything else, not above the older messages.
            await expect(page.get_by_test_id("message").last).to_have_attribute("data-from", "bot")
            ids = await page.get_by_test_id("message").evaluate_all(
                "items => items.map(item => Number(item.dataset.messageId))"
            )
    assert ids == sorted(set(ids)), "messages out of order or shown twice"
    assert chat.script_errors == []


def long_history(count: int) -> list[dict[str, Any]]:
    """`count` alternating user and bot messages, for a chat taller than any window."""
    return [
        {
            "message_id": n,
            "from": "bot" if n % 2 else "user",
            "text": f"Message {n} 🇪🇺🌱 about the Twinning programme",
            "entities": [],
            "buttons": [],
            "date": 1_700_000_000 + n,
            "edited": False,
        }
        for n in range(1, count + 1)
    ]


@pytest.mark.parametrize(("width", "height"), [(390, 800), (1280, 800)])
async def test_the_page_is_the_window_high_and_wheeling_the_header_does_not_scroll_it(
    browser: Browser, sandbox: RunningSandbox, tmp_path: Path, width: int, height: int
) -> None:
    async with browser_tab(browser, sandbox.url, width, height) as chat:
        page, expect = chat.page, async_api.expect
        await fake_chat_api(page, long_history(60), [])
        await page.goto(chat.url)
        await expect(page.get_by_test_id("message")).to_have_count(60)
        # While a message's entry animation runs, its transform hides the problem.
        await page.wait_for_function("() => document.getAnimations().length === 0")
        assert await page.evaluate("document.documentElement.scrollHeight") <= height

        header = await page.locator("header").bounding_box()
        assert header is not None
        await page.mouse.move(header["x"] + 10, header["y"] + 10)
        await page.mouse.wheel(0, 600)
        chat_box = await page.locator("#chat").bounding_box()
        assert chat_box is not None
        await page.mouse.move(chat_box["x"] + 20, chat_box["y"] + chat_box["height"] / 2)
        at_bottom = await page.evaluate("document.getElementById('chat').scrollTop")
        await page.mouse.wheel(0, -600)
        # Wheel events are handled in order: once the chat has scrolled, the header's is done.
        await page.wait_for_function(
            "limit => document.getElementById('chat').scrollTop < limit", arg=at_bottom
        )
        assert await page.evaluate("window.scrollY") == 0

        await page.screenshot(path=str(tmp_path / f"chat-{width}x{height}.png"))
        assert chat.script_errors == []


async def test_the_composer_placeholder_fits_a_phone_and_mentions_enter_only_on_wide_screens(
    browser: Browser, sandbox: RunningSandbox
) -> None:
    async with browser_tab(browser, sandbox.url, 390, 800) as phone:
        await phone.page.goto(phone.url)
        box = phone.page.get_by_test_id("message-input")
        placeholder = await box.get_attribute("placeholder")
        assert placeholder is not None and "Enter" not in placeholder
        fits = await box.evaluate("box => box.scrollHeight <= box.clientHeight + 1")
        assert fits, f"the placeholder {placeholder!r} wraps and is cut off"
    async with browser_tab(browser, sandbox.url, 1280, 800) as desktop:
        await desktop.page.goto(desktop.url)
        wide = await desktop.page.get_by_test_id("message-input").get_attribute("placeholder")
        assert wide is not None and "Enter" in wide


async def test_a_group_shows_who_wrote_replies_and_photos_safely(
    chat: ChatPage, sandbox: RunningSandbox
) -> None:
    page, expect = chat.page, async_api.expect
    base = sandbox.url.rstrip("/")
    sneaky = '<img src=x onerror="window.__pwned=4">'
    async with aiohttp.ClientSession() as http:
        async with http.post(
            f"{base}/api/users/1002/messages", json={"text": "hello", "first_name": sneaky}
        ) as response:
            assert response.status == 200
        async with http.post(
            f"{base}/api/groups", json={"title": "Staff <b>desk</b>", "member_ids": [1001, 1002]}
        ) as response:
            group = (await response.json())["chat_id"]
        chart = await sandbox.application.bot.send_photo(
            group, InputFile(tiny_png(40, 30), filename="chart.png"), caption="Applications"
        )
        async with http.post(
            f"{base}/api/groups/{group}/messages",
            json={"user_id": 1002, "text": "Nice chart", "reply_to_message_id": chart.message_id},
        ) as response:
            assert response.status == 200
            nice = (await response.json())["message_id"]
        async with http.post(
            f"{base}/api/groups/{group}/messages",
            json={"user_id": 1001, "text": "Thanks", "reply_to_message_id": nice},
        ) as response:
            assert response.status == 200

    await page.goto(chat.url)
    await page.get_by_test_id("user-preset").select_option(label="Ana (Braga), id 1001")
    picker = page.get_by_test_id("chat-picker")
    await expect(picker.locator("option")).to_have_count(2)
    await picker.select_option(label="Group: Staff <b>desk</b> (2 members)")
    photo = page.get_by_test_id("message-photo")
    await expect(photo).to_have_attribute("alt", "chart.png")
    await expect(photo).to_have_js_property("naturalWidth", 40)  # the picture really loaded
    await expect(page.locator(BOT_MESSAGES).first).to_contain_text("Applications")
    reply = page.locator(USER_MESSAGES).filter(has_text="Nice chart", has_not_text="Thanks")
    await expect(reply.get_by_test_id("message-sender")).to_have_text(sneaky)
    await expect(reply.get_by_test_id("reply-quote")).to_contain_text("Applications")
    thanks = page.locator(USER_MESSAGES).filter(has_text="Thanks")
    await expect(thanks.locator(".reply-author")).to_have_text(sneaky)  # the sender, as text
    await expect(page.get_by_test_id("block-toggle")).to_be_disabled()

    await send(page, "I'll take it")
    mine = page.locator(USER_MESSAGES).filter(has_text="I'll take it")
    await expect(mine.get_by_test_id("message-sender")).to_have_text("Ana (you)")
    shown = sandbox.emulator.world.groups[group].messages.values()
    assert [m.text for m in shown if not m.from_bot][-1] == "I'll take it"

    await picker.select_option(value="private")
    await expect(page.locator(USER_MESSAGES).filter(has_text="I'll take it")).to_have_count(0)
    assert await page.locator("img:not([data-testid='message-photo'])").count() == 0
    assert await page.evaluate("window.__pwned") is None
    assert chat.script_errors == []


async def test_a_buttons_alert_is_a_dialog_with_ok_and_stops_the_typing_hint(
    chat: ChatPage, sandbox: RunningSandbox, tmp_path: Path
) -> None:
    page, expect = chat.page, async_api.expect
    async with aiohttp.ClientSession() as http:
        prompt = await walk_to(SandboxClient(http, sandbox.url, 1001), Step.STATUS)
    await page.goto(chat.url)
    await page.get_by_test_id("user-preset").select_option(label="Ana (Braga), id 1001")
    status = page.locator(f'{BOT_MESSAGES}[data-message-id="{prompt["message_id"]}"]')
    await status.get_by_test_id("inline-button").filter(has_text="Why?").click()

    dialog = page.get_by_test_id("alert-dialog")
    await expect(dialog).to_be_visible()
    await expect(page.get_by_test_id("alert-text")).to_have_text(WHY[Step.STATUS])
    await expect(page.get_by_test_id("typing")).to_be_hidden()
    assert await dialog.evaluate("dialog => dialog.matches(':modal')"), "not a modal dialog"
    await page.screenshot(path=str(tmp_path / "alert.png"))
    await page.get_by_test_id("alert-ok").click()
    await expect(dialog).to_be_hidden()
    assert chat.script_errors == []


async def test_a_buttons_short_answer_is_a_toast_that_goes_by_itself(
    chat: ChatPage, tmp_path: Path
) -> None:
    page, expect = chat.page, async_api.expect
    history = [
        {
            "message_id": 7,
            "from": "bot",
            "text": "An answer",
            "entities": [],
            "buttons": [[{"text": "Not what I asked", "data": "nq:x"}]],
            "date": 1_700_000_000,
            "edited": False,
        }
    ]

    async def answer(route: Route, request: Request) -> None:
        if request.method == "POST":
            await route.fulfill(json={"callback_query_id": "q1"})
        elif "/callbacks/q1" in request.url:
            await route.fulfill(json={"answered": True, "text": "Noted.", "show_alert": False})
        else:
            await route.fulfill(json={"messages": history})

    await page.route("**/api/users/**", answer)
    await page.goto(chat.url)
    await page.get_by_test_id("inline-button").click()
    toast = page.get_by_test_id("toast")
    await expect(toast).to_have_text("Noted.")
    await page.screenshot(path=str(tmp_path / "toast.png"))
    await expect(page.get_by_test_id("typing")).to_be_hidden()
    await expect(page.get_by_test_id("alert-dialog")).to_be_hidden()
    await expect(toast).to_be_hidden()  # a toast fades by itself, as Telegram's does
    assert chat.script_errors == []


# Each word of each button label: does it sit on one line, and does the label fit its box?
BROKEN_BUTTON_WORDS = """() => {
  const broken = [];
  for (const button of document.querySelectorAll('[data-testid="inline-button"]')) {
    if (button.scrollWidth > button.clientWidth + 1) broken.push(`${button.textContent} (cut)`);
    const walker = document.createTreeWalker(button, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const word of node.data.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, word.index);
        range.setEnd(node, word.index + word[0].length);
        const lines = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
        if (lines.size > 1) broken.push(word[0]);
      }
    }
  }
  return broken;
}"""

# The chat picker's shown text and whether it fits beside the picker's arrow.
PICKER_TEXT = """(select) => {
  const style = getComputedStyle(select);
  const context = document.createElement("canvas").getContext("2d");
  context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const text = select.options[select.selectedIndex].text;
  const room = select.clientWidth - parseFloat(style.paddingLeft)
    - parseFloat(style.paddingRight) - 20;
  return { text, fits: context.measureText(text).width <= room };
}"""


@pytest.mark.parametrize(("width", "height"), [(390, 844), (360, 740)])
async def test_the_registration_review_fits_a_phone(
    browser: Browser, sandbox: RunningSandbox, tmp_path: Path, width: int, height: int
) -> None:
    async with aiohttp.ClientSession() as http:
        review = await walk_to(SandboxClient(http, sandbox.url, 1001), Step.REVIEW)
    async with browser_tab(browser, sandbox.url, width, height) as chat:
        page, expect = chat.page, async_api.expect
        await page.goto(chat.url)
        shown = page.locator(f'{BOT_MESSAGES}[data-message-id="{review["message_id"]}"]')
        await expect(shown.get_by_test_id("inline-button")).to_have_count(
            sum(len(row) for row in review["buttons"])
        )
        await page.wait_for_function("() => document.getAnimations().length === 0")
        await page.screenshot(path=str(tmp_path / f"review-{width}x{height}.png"))

        assert await page.evaluate(BROKEN_BUTTON_WORDS) == []
        header = await page.locator("header").bounding_box()
        assert header is not None and header["height"] <= 0.15 * height, header
        picker = await page.get_by_test_id("chat-picker").evaluate(PICKER_TEXT)
        assert picker == {"text": "Private chat", "fits": True}
        assert await page.evaluate("document.documentElement.scrollWidth") <= width
        assert chat.script_errors == []
