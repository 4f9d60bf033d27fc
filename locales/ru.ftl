# Main menu and onboarding
start-greeting =
    Привет, { $name }! 👋
    Я превращаю идеи в картинки, видео и музыку, а длинные тексты — в структурированные протоколы.
    Выберите, что сделать:
menu-help = ❓ Помощь
menu-language = 🌐 Язык
menu-back = ⬅️ Назад
help-text =
    <b>Что я умею</b>
    /start — главное меню
    /language — выбрать язык интерфейса
    /help — это сообщение

    Каждый мой ответ трассируется; если что-то пойдёт не так, я покажу короткий код <code>ref</code> — передайте его в поддержку.

# Language
language-prompt = Выберите язык:
language-changed = Язык переключён на русский 🇷🇺
language-name-en = 🇬🇧 English
language-name-ru = 🇷🇺 Русский

# Fallbacks
unknown-command = Я не знаю команду { $command }. Отправьте /help, чтобы узнать, что я умею.
unsupported-message = Я пока не умею обрабатывать такие сообщения. Отправьте /start, чтобы открыть меню.
button-expired = Эта кнопка больше не активна. Отправьте /start, чтобы открыть свежее меню.

# Errors
error-reference = код { $ref }
error-generic = Что-то пошло не так на нашей стороне. Мы уже разбираемся.
error-telegram = Telegram не принял мой ответ. Попробуйте ещё раз через минуту.
error-network = Не удалось связаться с нужным сервисом. Попробуйте ещё раз через минуту.
error-rate-limited = Сейчас слишком много запросов. Подождите несколько секунд и попробуйте снова.
error-validation = { $reason }
error-unavailable = Сервис временно недоступен. Попробуйте позже.

# Command menu
command-start = Главное меню
command-help = Что умеет бот
command-language = Сменить язык

# Billing
error-insufficient-balance = Недостаточно кредитов: у вас { $balance }, нужно { $amount }. Пополните баланс через /balance.
menu-balance = 💰 Баланс и пополнение
command-balance = Баланс и пополнение
balance-text = 💰 Ваш баланс: <b>{ $balance }</b> кредитов
balance-history-title = Последние операции:
balance-history-line = { $date } · { $operation } · { $amount }
balance-history-empty = Операций пока нет.
balance-top-up-prompt = Пополнить за Telegram Stars:
ledger-operation-topup = пополнение
ledger-operation-charge = генерация
ledger-operation-refund = возврат
ledger-operation-adjustment = корректировка
topup-pack-button = { $title }: { $credits } кредитов за { $stars } ⭐
invoice-title = { $credits } кредитов
invoice-description = { $title }: { $credits } кредитов на генерации
payment-invalid = Этот счёт больше не действителен. Откройте /balance и выберите пакет заново.
payment-credited = ✅ Начислено { $credits } кредитов. Ваш баланс: { $balance }.
payment-unmatched = Мы получили платёж, но не смогли сопоставить его с пакетом. Поддержка уведомлена, ничего не потеряно.
