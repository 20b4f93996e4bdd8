"""The benchmark's cards: every one different, in every script the card book must print."""

from __future__ import annotations

from proofs.cardbook.request import BookCard, CardBookRequest

FIRST = ["Zoë", "Αλέξης", "Дмитрий", "فاطمة", "נועה", "伟", "さくら", "민준", "Ingrid", "José"]
LAST = ["Okafor", "Papadopoulos", "Иванова", "الحسن", "כהן", "王", "佐藤", "김", "Larsen", "García"]
MESSAGES = [
    "Thank you for a wonderful year, {name}. We could not have done it without you!",
    "Σας ευχαριστούμε για μια υπέροχη χρονιά, {name}. Καλές γιορτές!",
    "Спасибо за прекрасный год, {name}! С наилучшими пожеланиями от всей команды.",
    "شكرا لك يا {name} على عام رائع من العمل معا. مع أطيب التمنيات.",
    "תודה רבה, {name}, על שנה נפלאה. בברכה מכל הצוות.",
    "{name}，感谢您一年来的辛勤工作。祝您新年快乐，万事如意！",
    "{name}さん、一年間本当にありがとうございました。来年もよろしくお願いいたします。",
    "{name}님, 한 해 동안 정말 감사했습니다. 새해 복 많이 받으세요! 🎉",
    "Welcome to the team, {name}! 🎁 We are so glad you are here.\n\nWarm wishes for 2026.",
    "Dear {name},\nfrom Berlin to Buenos Aires: gracias, danke, merci! 😀👍🏽",
]


def make_cards(n: int) -> tuple[BookCard, ...]:
    """``n`` cards, each with its own name, label and message (numbered, so no two are the same)."""
    cards = []
    for i in range(n):
        name = f"{FIRST[i % 10]} {LAST[(i // 10) % 10]}"
        message = MESSAGES[(i * 7 + i // 10) % 10].format(name=name) + f" (#{i + 1})"
        cards.append(BookCard(i + 1, f"{name} · Client {i + 1:04d}, Acme Ltd", name, message))
    return tuple(cards)


def make_request(n: int, style: str = "classic") -> CardBookRequest:
    return CardBookRequest(
        cards=make_cards(n), card_style=style, sign_off="The People team · Acme", title=f"Card book ({n})"
    )
