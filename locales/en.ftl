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

    🎨 <b>Images, video, music</b>
    /generate: pick a model and describe what to make (some models work from your photo). You see the price and confirm before anything is charged; a failed generation is refunded automatically.
    /history: your generations with their descriptions; re-send a result
    /cancel: cancel generations that have not reached the generator yet (refunded)

    📝 <b>Protocols from long texts</b>
    Send me a long text (a meeting transcript, notes) as a message or a .txt / .md file. I show the price first; after you confirm I write a protocol: summary, decisions, action items with owners, open questions.

    💰 <b>Balance</b>
    /balance: balance, last operations, top-up with Telegram Stars
    /paysupport: help with payments and refunds

    ⚙️ /language: the interface language · /help: this message

    If something goes wrong I show a short <code>ref</code> code: pass it to support.

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
balance-text = 💰 Your balance: <b>{ $balance }</b> { $balance ->
    [one] credit
   *[other] credits
}
balance-history-title = Last operations:
balance-history-line = { $date } · { $operation } · { $amount }
balance-history-empty = No operations yet.
balance-top-up-prompt = Top up with Telegram Stars:
ledger-operation-topup = top-up
ledger-operation-charge = generation
ledger-operation-refund = refund
ledger-operation-adjustment = adjustment
topup-pack-button = { $credits } { $credits ->
    [one] credit
   *[other] credits
} · { $stars } ⭐
invoice-title = { $credits } { $credits ->
    [one] credit
   *[other] credits
}
invoice-description = { $credits } { $credits ->
    [one] credit
   *[other] credits
} for generations
payment-invalid = This invoice is no longer valid. Open /balance and pick a pack again.
payment-credited = ✅ { $credits } { $credits ->
    [one] credit
   *[other] credits
} added. Your balance: { $balance }.
payment-unmatched = We received your payment but it does not match any of our packs, so no credits were added. Send /paysupport with this payment id to get your Stars back: { $charge }

# Admin alerts (sent once per incident to ADMIN_IDS)
admin-alert-kie-insufficient-credits = 🚨 The KIE account is out of credits: generations fail and are refunded. Top up the KIE account. Further failures stay quiet for an hour.
admin-alert-llm-insufficient-credits = 🚨 The LLM account is out of credits: protocols fail and are refunded. Top up the LLM provider account. Further failures stay quiet for an hour.

# Admin (ADMIN_IDS only). HTML unless noted; the code escapes every value it fills in.
command-admin = Admin: totals, users, balances, tasks
admin-none = —
admin-totals =
    <b>📊 Totals</b>
    Users: { $users } (active in 24 h: { $active })
    Credits held: { $held }
    Topped up: { $toppedUp } · charged: { $charged } · refunded: { $refunded }
    Adjusted: +{ $adjustedUp } / −{ $adjustedDown }
    Generations: { $generations } ({ $byStatus })
    In flight now: { $inFlight }
admin-totals-hint = /admin help: every admin command
admin-button-totals = 🔄 Totals
admin-button-in-flight = ⏳ In flight
admin-button-failed = ⚠️ Failed
admin-button-recheck = 🔁 Re-check { $id }
admin-generation-line = { $date } · <b>{ $model }</b> · { $status } · { $price } cr.
admin-generation-fail = failed: <code>{ $code }</code>
admin-generation-kie-cost = KIE cost: { $credits } KIE { $credits ->
    [one] credit
   *[other] credits
}
admin-generation-user = user <code>{ $user }</code>
admin-generation-ids = id { $id } · task { $task } · trace { $trace }
admin-ledger-line = { $date } · #{ $entry } { $operation } { $amount } → { $balanceAfter }{ $note }
admin-ledger-reason = «{ $reason }» (admin { $admin })
admin-user-title = <b>👤 User <code>{ $id }</code></b>
admin-user-info = Language: { $language } · first seen { $firstSeen } · last seen { $lastSeen } (UTC)
admin-user-blocked = ⛔ Has blocked the bot.
admin-user-balance = Balance: <b>{ $balance }</b> { $balance ->
    [one] credit
   *[other] credits
}
admin-user-ledger-title = <b>Ledger</b>, newest first:
admin-user-generations-title = <b>Generations</b>, newest first:
admin-user-not-found = No user <code>{ $id }</code>: they have never written to the bot.
admin-adjusted = ✅ Balance of <code>{ $id }</code> changed by <b>{ $amount }</b>, now { $balance }. Ledger entry #{ $entry }, reason: { $reason }
admin-adjust-replayed = ↩️ This adjustment was already applied (ledger entry #{ $entry }); nothing changed. Balance of <code>{ $id }</code>: { $balance }.
admin-recheck-title = <b>🔁 Re-check</b>
admin-recheck-schedule = Polls: { $attempts } · next run { $nextRun } · deadline { $deadline } (UTC)
admin-recheck-kie-state = KIE says: <b>{ $state }</b>
admin-recheck-kie-results = results: { $count }
admin-recheck-kie-fail = failCode <code>{ $code }</code> { $message }
admin-recheck-kie-error = KIE answered with an error: <code>{ $code }</code>
admin-recheck-kie-not-created = No KIE task yet: the generation is waiting for createTask.
admin-recheck-kie-dry-run = Dry run (DRY_RUN=true): this task never went to KIE.
admin-recheck-kie-unavailable = KIE is not configured (no KIE_API_KEY): stored state only.
admin-recheck-due = ⏩ Made due now: the worker polls it on its next pass.
admin-recheck-settled = The generation is { $status }: nothing left to poll.
admin-recheck-not-found = No generation with id or KIE task id <code>{ $ref }</code>.
admin-list-in-flight-title = <b>⏳ In flight</b>, newest first:
admin-list-failed-title = <b>⚠️ Failed or refunded</b>, newest first:
# Admin, plain text: the usage, and refusals (the error handler adds the ref)
admin-usage =
    Admin commands:
    /admin: totals
    /admin user <telegram id>: balance, ledger, generations with trace ids
    /admin adjust <telegram id> <+/-amount> <reason>: change a balance (ledgered)
    /admin recheck <generation id or KIE task id>: ask KIE, poll now if still running
    /admin refund <payment charge id>: refund a Stars payment and take its credits back
admin-usage-user = Usage: /admin user <telegram id>, e.g. /admin user 123456789
admin-usage-adjust = Usage: /admin adjust <telegram id> <+/-amount> <reason>, e.g. /admin adjust 123456789 +50 failed video. The amount is a whole number other than zero; the reason is required.
admin-usage-recheck = Usage: /admin recheck <generation id or KIE task id>
admin-error-forbidden = This action is for admins only.
admin-error-user-not-found = No user { $id }: they have never written to the bot.
admin-error-negative-balance = Refused: user { $id } has { $balance } { $balance ->
    [one] credit
   *[other] credits
}, so taking { $amount } would make the balance negative. Nothing was changed.
admin-error-amount = The amount must be a whole number other than zero, e.g. +50 or -20.
admin-error-reason = The reason is required and may be at most { $max } { $max ->
    [one] character
   *[other] characters
}.

# Generations
menu-generate = 🎨 Generate
command-generate = Make an image, video or music
command-history = Your generations
command-cancel = Cancel what has not started
gen-unavailable = Generations are not set up on this bot yet. Please try again later.
gen-pick-kind = What would you like to make?
gen-pick-model = Pick a model (price in credits):
gen-kind-image = Images
gen-kind-video = Video
gen-kind-music = Music
gen-model-button = { $title } · { $price } cr
gen-price = { $price } { $price ->
    [one] credit
   *[other] credits
}
gen-model-button-from = { $title } · from { $price } cr
gen-price-from = from { $price } { $price ->
    [one] credit
   *[other] credits
}
gen-ask-prompt = ✍️ Send me a description of what to make (up to { $max } { $max ->
    [one] character
   *[other] characters
}).
gen-ask-photo = 📷 Send me a photo with a caption saying what to do with it (up to { $max } { $max ->
    [one] character
   *[other] characters
}).
gen-need-photo = 📷 This model works from a photo: send a photo, with the description as its caption.
gen-need-prompt = ✍️ Got the photo. Now send the description.
gen-photo-not-needed = This model works from text only: send a description instead.
gen-prompt-too-long = The description is too long: { $length } { $length ->
    [one] character
   *[other] characters
}, this model takes up to { $max }. Please shorten it and send it again.
gen-photo-attached = 📷 photo attached
gen-option-on = on
gen-option-off = off
gen-price-line = 💰 Price: <b>{ $price }</b> { $price ->
    [one] credit
   *[other] credits
} · balance { $balance } → { $after }
gen-price-short = 💰 Price: <b>{ $price }</b> { $price ->
    [one] credit
   *[other] credits
}, but your balance is { $balance }. Top up first.
gen-top-up = 💰 Top up
gen-confirm = ✅ Confirm · { $price } cr
gen-cancel = ✖️ Cancel
gen-confirmed = Started!
gen-not-yours = This button belongs to someone else's message.
gen-draft-cancelled = Cancelled. Nothing was charged.
gen-cancelled-summary = Cancelled { $count } { $count ->
    [one] generation
   *[other] generations
} that had not started; { $credits } { $credits ->
    [one] credit is
   *[other] credits are
} back on your balance.
gen-nothing-to-cancel = Nothing to cancel: generations that already started at the provider can't be stopped, but any failure is refunded automatically.
gen-dry-run-note = 🧪 Dry run: the generator is not called and nothing is charged.
gen-status-queued = ⏳ { $model }: queued…
gen-status-queue = ⏳ { $model }: waiting for a free slot, you are #{ $position } in line…
gen-status-running = 🎨 { $model }: generating… { $elapsed }
gen-status-sending = 📤 { $model }: ready after { $elapsed }, sending…
gen-status-delivered = ✅ { $model }: done in { $elapsed } · { $price } { $price ->
    [one] credit
   *[other] credits
}
gen-status-failed = ❌ { $model }: { $reason }
gen-status-cancelled = 🚫 { $model }: cancelled.
gen-refunded = ↩️ { $price } { $price ->
    [one] credit was
   *[other] credits were
} returned to your balance, which is now { $balance } { $balance ->
    [one] credit
   *[other] credits
}.
gen-refund-dry-run = Nothing was charged (dry run).
gen-reason-timeout = it was not ready in time, so I stopped waiting. It may work if you try again.
gen-reason-content = the model refused this request, most likely because of what the description or photo shows. Change the description (or the photo) and try again.
gen-reason-provider = the generation service failed on its side. Nothing is wrong with your request: please try again in a few minutes.
gen-reason-service-credits = the generation service is out of credits on our side. We already know and are fixing it; please try again later.
gen-reason-delivery = the result was made, but Telegram would not take it from me.
gen-reason-cancelled = cancelled.
error-too-many-generations = You already have { $limit } { $limit ->
    [one] generation
   *[other] generations
} in progress. Wait for one to finish, then try again.
history-empty = No generations yet. Send /generate to make one.
history-title = 🗂 Your generations { $from }–{ $to } of { $total }:
history-line = { $n }. { $date } · { $model } · { $status } · { $price } cr
history-resend = 🔁 Resend #{ $n }
history-resend-unavailable = This result can't be re-sent.
history-status-pending = ⏳ queued
history-status-running = 🎨 generating
history-status-succeeded = 📤 sending
history-status-delivered = ✅ delivered
history-status-failed = ❌ failed, refunded
history-status-timed-out = ⌛ timed out, refunded
history-status-refunded = ↩️ refunded
history-status-cancelled = 🚫 cancelled
history-status-creating = ⏳ starting
history-status-unknown = 🎨 generating

# Protocols from long texts
menu-protocol = 📝 Protocol from a text
protocol-intro =
    <b>📝 Protocol from a long text</b>
    Send me a meeting transcript, notes or any long text: a message of at least { $min } { $min ->
        [one] character
       *[other] characters
    }, or a .txt / .md file (up to { $max } { $max ->
        [one] character
       *[other] characters
    }).
    I read it in parts of up to { $segmentChars } { $segmentChars ->
        [one] character
       *[other] characters
    } and write a protocol: summary, decisions, action items with owners, open questions.
    Price: { $base } { $base ->
        [one] credit
       *[other] credits
    } + { $perSegment } per part. You see the exact price before anything is charged.
protocol-unavailable = Protocols are not available right now. Please try again later.
protocol-quote =
    <b>📝 Protocol</b>
    Text: { $chars } { $chars ->
        [one] character
       *[other] characters
    } → { $segments } { $segments ->
        [one] part
       *[other] parts
    }
    Price: <b>{ $price }</b> { $price ->
        [one] credit
       *[other] credits
    } (your balance: { $balance })
    Start?
protocol-quote-short =
    <b>📝 Protocol</b>
    Text: { $chars } { $chars ->
        [one] character
       *[other] characters
    } → { $segments } { $segments ->
        [one] part
       *[other] parts
    }
    Price: <b>{ $price }</b> { $price ->
        [one] credit
       *[other] credits
    }, but your balance is { $balance }. Top up with the button below, then press Confirm.
protocol-confirm-button = ✅ Confirm · { $price } { $price ->
    [one] credit
   *[other] credits
}
protocol-cancel-button = ✖️ Cancel
protocol-cancelled = Cancelled. Nothing was charged.
protocol-not-yours = This button belongs to someone else's request.
protocol-stale = This confirmation is no longer valid. Send the text again for a fresh quote.
protocol-already-started = This protocol is already being prepared.
protocol-progress = ⏳ Reading your text: parts { $done }/{ $total }
protocol-synthesizing = 🧠 { $total ->
    [1] The text is read
   *[other] All { $total } parts read
}. Writing the protocol…
protocol-done = ✅ Protocol ready ({ $segments } { $segments ->
    [one] part
   *[other] parts
}, { $price } { $price ->
    [one] credit
   *[other] credits
}).
protocol-document-caption = 📋 Your protocol ({ $segments } { $segments ->
    [one] part
   *[other] parts
}): too long for messages, so here it is as a file.
protocol-refunded = ↩️ { $price } { $price ->
    [one] credit was
   *[other] credits were
} returned to your balance, which is now { $balance } { $balance ->
    [one] credit
   *[other] credits
}.
protocol-title = 📋 Protocol
protocol-summary = Summary
protocol-decisions = Decisions
protocol-action-items = Action items
protocol-open-questions = Open questions
protocol-none = none
protocol-owner-unknown = owner not named
protocol-empty = The text is empty. Send a message or a .txt / .md file with the text.
protocol-not-text = I could not read this file as text. Send a UTF-8 .txt or .md file.
protocol-too-long = The text is too long: { $chars } { $chars ->
    [one] character
   *[other] characters
}, the limit is { $max }.
protocol-file-too-big = The file is too big: the limit is { $max } MB.
protocol-error-timeout = The protocol took too long and was stopped.
protocol-error-interrupted = The protocol was interrupted by a restart and could not be finished.
error-llm-rejected = The language model refused to process this text.

# Stars payments: reconciliation, /paysupport, /admin refund
command-paysupport = Help with payments and refunds
payment-reconciled = ✅ Your payment of { $stars } ⭐ has been credited: { $credits } { $credits ->
    [one] credit
   *[other] credits
} added, sorry for the delay. Your balance: { $balance }.
paysupport-text =
    <b>💳 Payments and refunds</b>
    Credits are bought with Telegram Stars in /balance. A generation or protocol that fails is refunded to your balance automatically: there is nothing to ask for.
    If a payment went wrong, or you want your Stars back for credits you have not used, send the payment id (it is also in Telegram's receipt). A refund returns the Stars and takes that payment's credits back, so it is possible while they are unspent.
paysupport-contact = Support: { $contact }
paysupport-write-here = Write to support right here: /paysupport followed by your message, e.g. <code>/paysupport my payment did not arrive</code>.
paysupport-no-contact = Support contact: see the bot's description.
paysupport-payments-title = Your latest payments:
paysupport-payment-line = { $date } · { $credits } { $credits ->
    [one] credit
   *[other] credits
} · id { $id }
paysupport-no-payments = You have no Stars payments yet.
paysupport-forwarded = ✉️ Your message was passed on to support. They will answer you here.
paysupport-not-forwarded = Your message could not be passed on right now. Please try again later.
paysupport-forwarded-admin = 💳 /paysupport from user <code>{ $id }</code>:
    { $text }
admin-usage-refund = Usage: /admin refund <payment charge id>, e.g. /admin refund stxAbC123. The id is in /admin user <telegram id> (ledger references) and in the user's /paysupport.
admin-refunded = ✅ Payment <code>{ $charge }</code> refunded: Telegram returned the Stars to user <code>{ $id }</code>, { $credits } { $credits ->
    [one] credit
   *[other] credits
} taken back (ledger entry #{ $entry }), balance now { $balance }.
admin-refund-already = ↩️ Payment <code>{ $charge }</code> was already refunded in Telegram. Its { $credits } { $credits ->
    [one] credit is
   *[other] credits are
} taken back (ledger entry #{ $entry }); balance of <code>{ $id }</code>: { $balance }.
admin-error-charge-not-found = No Stars payment { $id } in the ledger: nothing was changed. Check the id (ledger references in /admin user <telegram id>).
admin-error-refund-spent = Refused: user { $id } has { $balance } { $balance ->
    [one] credit
   *[other] credits
}, fewer than the { $credits } this payment brought, so they were spent. Nothing was changed and Telegram was not asked.
admin-error-refund-closed = Telegram refused this refund before and its credits were given back (ledger entry #{ $entry }). Nothing was changed.
admin-error-refund-refused = Telegram refused the refund of { $id }: { $description }. The credits were given back; nothing else changed.
admin-error-refund-unknown = Telegram did not answer the refund of { $id }, so whether it went through is unknown. The credits stay taken back; run the same command again to finish it (nothing is taken twice).

# Buttons under a generation's status message (src/bot/features/generate/after-generation-keyboard.ts)
gen-again = 🔁 Again
gen-new = ✨ New
menu-main = 🏠 Menu
gen-cancel-queued = ✖️ Cancel

# --- language and wording
admin-alert-other = 🚨 Incident { $incident }: see the logs and traces for this reference.
protocol-error-service-credits = The language model service is out of credits on our side. We already know and are fixing it; please try again later.
protocol-progress-slow = ⏳ Reading your text: part { $part }/{ $total } · { $seconds } s

# --- flow (top-up Continue, Again / Cancel, admin notice, ledger labels)
topup-continue = ▶️ Continue
topup-continue-shown = The confirmation is already shown.
topup-continue-draft-gone = That confirmation is no longer open (it was confirmed, cancelled or expired). Your credits are on your balance: send /generate to start again.
topup-continue-protocol-gone = That quote is no longer open (it was confirmed, cancelled or expired). Your credits are on your balance: send the text again for a fresh quote.
ledger-operation-protocol-charge = protocol
ledger-operation-protocol-refund = protocol refund
gen-again-unavailable = This generation can't be repeated any more (the model or its photo is no longer available). Send /generate to start a new one.
gen-cancelled-one = Cancelled. { $credits } { $credits ->
    [one] credit is
   *[other] credits are
} back on your balance.
gen-cancel-too-late = It has already reached the generator and can't be stopped now. If it fails, it is refunded automatically.
admin-adjust-notice-added = 🎁 { $credits } { $credits ->
    [one] credit was
   *[other] credits were
} added to your balance by support.
    Reason: { $reason }
    Your balance: { $balance }.
admin-adjust-notice-removed = ℹ️ { $credits } { $credits ->
    [one] credit was
   *[other] credits were
} taken from your balance by support.
    Reason: { $reason }
    Your balance: { $balance }.

# --- paste merge
protocol-paste-parts = 📎 Received as { $parts } { $parts ->
    [one] message
   *[other] messages
}, read as one text.
protocol-paste-too-long = ✋ This text is too long for a protocol: { $chars } { $chars ->
    [one] character
   *[other] characters
}, the limit is { $max }. Nothing was charged.
    Split it into parts of up to { $max } { $max ->
        [one] character
       *[other] characters
    } and send each as a .txt file.
protocol-paste-price-changed = More of your text arrived after this quote, so the price changed. Nothing was charged: check the new price and press Confirm again.
sticker-hint = Nice sticker! 🙂 I work with text, photos and .txt files. Pick what to do:
