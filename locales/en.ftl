# Main menu and onboarding
start-greeting =
    Hi, { $name }! 👋
    I turn your ideas into images, video and music, and long texts into structured protocols.
    Pick what you want to do:
menu-help = ❓ Help
menu-language = 🌐 Language
menu-back = ⬅️ Back
help-text =
    <b>What I can do</b>
    /start: main menu
    /language: choose the interface language
    /help: this message

    Every answer I give is traced; if something goes wrong I show a short <code>ref</code> code you can pass to support.

# Language
language-prompt = Choose your language:
language-changed = Language set to English 🇬🇧
language-name-en = 🇬🇧 English
language-name-ru = 🇷🇺 Русский

# Fallbacks
unknown-command = I don't know the command { $command }. Send /help to see what I can do.
unsupported-message = I can't handle this kind of message yet. Send /start to see the menu.
button-expired = This button is no longer active. Send /start for a fresh menu.

# Errors: every one ends with the reference an on-call engineer pastes into Grafana
error-reference = ref { $ref }
error-generic = Something went wrong on our side. We are already looking into it.
error-telegram = Telegram did not accept my reply. Please try again in a moment.
error-network = I could not reach a service I depend on. Please try again in a minute.
error-rate-limited = Too many requests right now. Please wait a few seconds and try again.
error-validation = { $reason }
error-unavailable = This service is temporarily unavailable. Please try again later.

# Command menu
command-start = Main menu
command-help = What the bot can do
command-language = Change the language

# Billing
error-insufficient-balance = Not enough credits: you have { $balance }, this needs { $amount }. Top up with /balance.
menu-balance = 💰 Balance and top-up
command-balance = Balance and top-up
balance-text = 💰 Your balance: <b>{ $balance }</b> credits
balance-history-title = Last operations:
balance-history-line = { $date } · { $operation } · { $amount }
balance-history-empty = No operations yet.
balance-top-up-prompt = Top up with Telegram Stars:
ledger-operation-topup = top-up
ledger-operation-charge = generation
ledger-operation-refund = refund
ledger-operation-adjustment = adjustment
topup-pack-button = { $title }: { $credits } credits for { $stars } ⭐
invoice-title = { $credits } credits
invoice-description = { $title }: { $credits } credits for generations
payment-invalid = This invoice is no longer valid. Open /balance and pick a pack again.
payment-credited = ✅ { $credits } credits added. Your balance: { $balance }.
payment-unmatched = We received your payment but could not match it to a pack. Support has been notified; nothing is lost.
