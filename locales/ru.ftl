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

    🎨 <b>Картинки, видео, музыка</b>
    /generate — выберите модель и опишите, что сделать (некоторые модели работают с вашим фото). Цену вы видите до подтверждения, до него ничего не списывается; неудачная генерация возвращается автоматически.
    /history — ваши генерации с описаниями; можно отправить результат повторно
    /cancel — отменить генерации, которые ещё не ушли в генератор (с возвратом)

    📝 <b>Протоколы из длинных текстов</b>
    Пришлите длинный текст (стенограмму встречи, заметки) сообщением или файлом .txt / .md. Сначала я покажу цену, а после подтверждения напишу протокол: краткое содержание, решения, задачи с ответственными, открытые вопросы.

    💰 <b>Баланс</b>
    /balance — баланс, последние операции, пополнение через Telegram Stars
    /paysupport — помощь с платежами и возвратами

    ⚙️ /language — язык интерфейса · /help — это сообщение

    Если что-то пойдёт не так, я покажу короткий код <code>ref</code> — передайте его в поддержку.

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
balance-text = 💰 Ваш баланс: <b>{ $balance }</b> { $balance ->
    [one] кредит
    [few] кредита
   *[many] кредитов
}
balance-history-title = Последние операции:
balance-history-line = { $date } · { $operation } · { $amount }
balance-history-empty = Операций пока нет.
balance-top-up-prompt = Пополнить за Telegram Stars:
ledger-operation-topup = пополнение
ledger-operation-charge = генерация
ledger-operation-refund = возврат
ledger-operation-adjustment = корректировка
topup-pack-button = { $credits } { $credits ->
    [one] кредит
    [few] кредита
   *[many] кредитов
} · { $stars } ⭐
invoice-title = { $credits } { $credits ->
    [one] кредит
    [few] кредита
   *[many] кредитов
}
invoice-description = { $credits } { $credits ->
    [one] кредит
    [few] кредита
   *[many] кредитов
} на генерации
payment-invalid = Этот счёт больше не действителен. Откройте /balance и выберите пакет заново.
payment-credited = ✅ { $credits ->
    [one] Начислен
    [few] Начислено
   *[many] Начислено
} { $credits } { $credits ->
    [one] кредит
    [few] кредита
   *[many] кредитов
}. Ваш баланс: { $balance }.
payment-unmatched = Мы получили платёж, но он не соответствует ни одному нашему пакету, поэтому кредиты не начислены. Чтобы вернуть звёзды, отправьте /paysupport с id этого платежа: { $charge }

# Admin alerts (sent once per incident to ADMIN_IDS)
admin-alert-kie-insufficient-credits = 🚨 На счёте KIE закончились кредиты: генерации не выполняются и возвращаются. Пополните счёт KIE. Следующие сбои в течение часа без уведомлений.
admin-alert-llm-insufficient-credits = 🚨 На счёте LLM закончились кредиты: протоколы не выполняются и возвращаются. Пополните счёт LLM-провайдера. Следующие сбои в течение часа без уведомлений.

# Admin (ADMIN_IDS only). HTML unless noted; the code escapes every value it fills in.
command-admin = Админ: итоги, пользователи, балансы, задачи
admin-none = —
admin-totals =
    <b>📊 Итоги</b>
    Пользователей: { $users } (активны за 24 ч: { $active })
    Кредитов на балансах: { $held }
    Пополнено: { $toppedUp } · списано: { $charged } · возвращено: { $refunded }
    Корректировки: +{ $adjustedUp } / −{ $adjustedDown }
    Генераций: { $generations } ({ $byStatus })
    Сейчас в работе: { $inFlight }
admin-totals-hint = /admin help: все команды админа
admin-button-totals = 🔄 Итоги
admin-button-in-flight = ⏳ В работе
admin-button-failed = ⚠️ Сбои
admin-button-recheck = 🔁 Перепроверить { $id }
admin-generation-line = { $date } · <b>{ $model }</b> · { $status } · { $price } кр.
admin-generation-fail = сбой: <code>{ $code }</code>
admin-generation-kie-cost = списано KIE: { $credits } { $credits ->
    [one] кредит
    [few] кредита
   *[many] кредитов
} KIE
admin-generation-user = пользователь <code>{ $user }</code>
admin-generation-ids = id { $id } · задача { $task } · трасса { $trace }
admin-ledger-line = { $date } · #{ $entry } { $operation } { $amount } → { $balanceAfter }{ $note }
admin-ledger-reason = «{ $reason }» (админ { $admin })
admin-user-title = <b>👤 Пользователь <code>{ $id }</code></b>
admin-user-info = Язык: { $language } · впервые { $firstSeen } · последний раз { $lastSeen } (UTC)
admin-user-blocked = ⛔ Заблокировал бота.
admin-user-balance = Баланс: <b>{ $balance }</b> { $balance ->
    [one] кредит
    [few] кредита
   *[many] кредитов
}
admin-user-ledger-title = <b>Операции</b>, сначала новые:
admin-user-generations-title = <b>Генерации</b>, сначала новые:
admin-user-not-found = Пользователя <code>{ $id }</code> нет: он никогда не писал боту.
admin-adjusted = ✅ Баланс <code>{ $id }</code> изменён на <b>{ $amount }</b>, теперь { $balance }. Запись #{ $entry }, причина: { $reason }
admin-adjust-replayed = ↩️ Эта корректировка уже применена (запись #{ $entry }); ничего не изменилось. Баланс <code>{ $id }</code>: { $balance }.
admin-recheck-title = <b>🔁 Перепроверка</b>
admin-recheck-schedule = Опросов: { $attempts } · следующий { $nextRun } · срок { $deadline } (UTC)
admin-recheck-kie-state = KIE отвечает: <b>{ $state }</b>
admin-recheck-kie-results = результатов: { $count }
admin-recheck-kie-fail = failCode <code>{ $code }</code> { $message }
admin-recheck-kie-error = KIE ответил ошибкой: <code>{ $code }</code>
admin-recheck-kie-not-created = Задачи в KIE ещё нет: генерация ждёт createTask.
admin-recheck-kie-dry-run = Пробный запуск (DRY_RUN=true): задача не отправлялась в KIE.
admin-recheck-kie-unavailable = KIE не настроен (нет KIE_API_KEY): только сохранённое состояние.
admin-recheck-due = ⏩ Поставлена в очередь сейчас: воркер опросит её при следующем проходе.
admin-recheck-settled = Генерация в статусе { $status }: опрашивать нечего.
admin-recheck-not-found = Нет генерации с id или id задачи KIE <code>{ $ref }</code>.
admin-list-in-flight-title = <b>⏳ В работе</b>, сначала новые:
admin-list-failed-title = <b>⚠️ Сбои и возвраты</b>, сначала новые:
# Admin, plain text: the usage, and refusals (the error handler adds the ref)
admin-usage =
    Команды админа:
    /admin: итоги
    /admin user <telegram id>: баланс, операции, генерации с id трасс
    /admin adjust <telegram id> <+/-сумма> <причина>: изменить баланс (с записью в журнале)
    /admin recheck <id генерации или задачи KIE>: спросить KIE и опросить сейчас, если ещё в работе
    /admin refund <id платежа>: вернуть платёж звёздами и списать его кредиты
admin-usage-user = Формат: /admin user <telegram id>, например /admin user 123456789
admin-usage-adjust = Формат: /admin adjust <telegram id> <+/-сумма> <причина>, например /admin adjust 123456789 +50 сбой видео. Сумма — целое число, не ноль; причина обязательна.
admin-usage-recheck = Формат: /admin recheck <id генерации или задачи KIE>
admin-error-forbidden = Это действие доступно только админам.
admin-error-user-not-found = Пользователя { $id } нет: он никогда не писал боту.
admin-error-negative-balance = Отказано: у пользователя { $id } { $balance } { $balance ->
    [one] кредит
    [few] кредита
   *[many] кредитов
}, списание { $amount } сделает баланс отрицательным. Ничего не изменено.
admin-error-amount = Сумма должна быть целым числом, не нулём, например +50 или -20.
admin-error-reason = Причина обязательна, не длиннее { $max } { $max ->
    [one] символа
   *[other] символов
}.

# Generations
menu-generate = 🎨 Создать
command-generate = Картинка, видео или музыка
command-history = Ваши генерации
command-cancel = Отменить то, что ещё не началось
gen-unavailable = Генерации на этом боте пока не настроены. Попробуйте позже.
gen-pick-kind = Что будем создавать?
gen-pick-model = Выберите модель (цена в кредитах):
gen-kind-image = Картинки
gen-kind-video = Видео
gen-kind-music = Музыка
gen-model-button = { $title } · { $price } кр.
gen-price = { $price } { $price ->
    [one] кредит
    [few] кредита
   *[many] кредитов
}
gen-model-button-from = { $title } · от { $price } кр.
gen-price-from = от { $price } { $price ->
    [one] кредита
   *[other] кредитов
}
gen-ask-prompt = ✍️ Пришлите описание того, что создать (до { $max } { $max ->
    [one] символа
   *[other] символов
}).
gen-ask-photo = 📷 Пришлите фото с подписью: что с ним сделать (до { $max } { $max ->
    [one] символа
   *[other] символов
}).
gen-need-photo = 📷 Эта модель работает с фото: пришлите фото, а описание — подписью к нему.
gen-need-prompt = ✍️ Фото получил. Теперь пришлите описание.
gen-photo-not-needed = Эта модель работает только с текстом: пришлите описание.
gen-prompt-too-long = Описание слишком длинное: { $length } { $length ->
    [one] символ
    [few] символа
   *[many] символов
}, а модель принимает до { $max }. Сократите и пришлите снова.
gen-photo-attached = 📷 фото приложено
gen-option-on = вкл
gen-option-off = выкл
gen-price-line = 💰 Цена: <b>{ $price }</b> { $price ->
    [one] кредит
    [few] кредита
   *[many] кредитов
} · баланс { $balance } → { $after }
gen-price-short = 💰 Цена: <b>{ $price }</b> { $price ->
    [one] кредит
    [few] кредита
   *[many] кредитов
}, а на балансе { $balance }. Сначала пополните баланс.
gen-top-up = 💰 Пополнить
gen-confirm = ✅ Подтвердить · { $price } кр.
gen-cancel = ✖️ Отмена
gen-confirmed = Запущено!
gen-not-yours = Эта кнопка относится к чужому сообщению.
gen-draft-cancelled = Отменено. Ничего не списано.
gen-cancelled-summary = Отменено генераций, которые ещё не начались: { $count }. На баланс { $credits ->
    [one] вернулся
   *[other] вернулось
} { $credits } { $credits ->
    [one] кредит
    [few] кредита
   *[many] кредитов
}.
gen-nothing-to-cancel = Отменять нечего: уже начатые генерации остановить нельзя, но при сбое кредиты вернутся автоматически.
gen-dry-run-note = 🧪 Пробный режим: генератор не вызывается, ничего не списывается.
gen-status-queued = ⏳ { $model }: в очереди…
gen-status-queue = ⏳ { $model }: ждём свободного места, вы #{ $position } в очереди…
gen-status-running = 🎨 { $model }: генерирую… { $elapsed }
gen-status-sending = 📤 { $model }: готово за { $elapsed }, отправляю…
gen-status-delivered = ✅ { $model }: готово за { $elapsed } · { $price } { $price ->
    [one] кредит
    [few] кредита
   *[many] кредитов
}
gen-status-failed = ❌ { $model }: { $reason }
gen-status-cancelled = 🚫 { $model }: отменено.
gen-refunded = ↩️ На баланс { $price ->
    [one] вернулся
   *[other] вернулось
} { $price } { $price ->
    [one] кредит
    [few] кредита
   *[many] кредитов
}, теперь на нём { $balance } { $balance ->
    [one] кредит
    [few] кредита
   *[many] кредитов
}.
gen-refund-dry-run = Ничего не списано (пробный режим).
gen-reason-timeout = результат не был готов вовремя, и я перестал ждать. Попробуйте ещё раз — может получиться.
gen-reason-content = модель отказалась выполнять запрос — скорее всего, из-за того, что в описании или на фото. Измените описание (или фото) и попробуйте снова.
gen-reason-provider = сервис генерации дал сбой на своей стороне. С вашим запросом всё в порядке: попробуйте ещё раз через несколько минут.
gen-reason-service-credits = у нас закончились кредиты в сервисе генерации. Мы уже знаем и исправляем; попробуйте позже.
gen-reason-delivery = результат готов, но Telegram не принял его от меня.
gen-reason-cancelled = отменено.
error-too-many-generations = У вас уже { $limit } { $limit ->
    [one] генерация
    [few] генерации
   *[many] генераций
} в работе. Дождитесь, пока одна закончится, и попробуйте снова.
history-empty = Генераций пока нет. Отправьте /generate, чтобы создать.
history-title = 🗂 Ваши генерации { $from }–{ $to } из { $total }:
history-line = { $n }. { $date } · { $model } · { $status } · { $price } кр.
history-resend = 🔁 Отправить №{ $n }
history-resend-unavailable = Этот результат нельзя отправить повторно.
history-status-pending = ⏳ в очереди
history-status-running = 🎨 генерируется
history-status-succeeded = 📤 отправляется
history-status-delivered = ✅ доставлено
history-status-failed = ❌ ошибка, возвращено
history-status-timed-out = ⌛ время вышло, возвращено
history-status-refunded = ↩️ возвращено
history-status-cancelled = 🚫 отменено
history-status-creating = ⏳ запускается
history-status-unknown = 🎨 генерируется

# Протоколы из длинных текстов
menu-protocol = 📝 Протокол из текста
protocol-intro =
    <b>📝 Протокол из длинного текста</b>
    Пришлите расшифровку встречи, заметки или любой длинный текст: сообщение от { $min } { $min ->
        [one] символа
       *[other] символов
    } или файл .txt / .md (до { $max } { $max ->
        [one] символа
       *[other] символов
    }).
    Я прочитаю его частями до { $segmentChars } { $segmentChars ->
        [one] символа
       *[other] символов
    } и составлю протокол: резюме, решения, задачи с ответственными, открытые вопросы.
    Цена: { $base } { $base ->
        [one] кредит
        [few] кредита
       *[many] кредитов
    } + { $perSegment } за каждую часть. Точную цену вы увидите до списания.
protocol-unavailable = Протоколы сейчас недоступны. Попробуйте позже.
protocol-quote =
    <b>📝 Протокол</b>
    Текст: { $chars } { $chars ->
        [one] символ
        [few] символа
       *[many] символов
    } → { $segments } { $segments ->
        [one] часть
        [few] части
       *[many] частей
    }
    Цена: <b>{ $price }</b> { $price ->
        [one] кредит
        [few] кредита
       *[many] кредитов
    } (ваш баланс: { $balance })
    Начинаем?
protocol-quote-short =
    <b>📝 Протокол</b>
    Текст: { $chars } { $chars ->
        [one] символ
        [few] символа
       *[many] символов
    } → { $segments } { $segments ->
        [one] часть
        [few] части
       *[many] частей
    }
    Цена: <b>{ $price }</b> { $price ->
        [one] кредит
        [few] кредита
       *[many] кредитов
    }, а на балансе { $balance }. Пополните баланс кнопкой ниже и нажмите «Подтвердить».
protocol-confirm-button = ✅ Подтвердить · { $price } { $price ->
    [one] кредит
    [few] кредита
   *[many] кредитов
}
protocol-cancel-button = ✖️ Отмена
protocol-cancelled = Отменено. Ничего не списано.
protocol-not-yours = Эта кнопка относится к чужому запросу.
protocol-stale = Это подтверждение больше не действует. Пришлите текст ещё раз, чтобы получить новую цену.
protocol-already-started = Этот протокол уже готовится.
protocol-progress = ⏳ Читаю текст: части { $done }/{ $total }
protocol-synthesizing = 🧠 { $total ->
    [1] Текст прочитан
   *[other] Все части ({ $total }) прочитаны
}. Составляю протокол…
protocol-done = ✅ Протокол готов ({ $segments } { $segments ->
    [one] часть
    [few] части
   *[many] частей
}, { $price } { $price ->
    [one] кредит
    [few] кредита
   *[many] кредитов
}).
protocol-document-caption = 📋 Ваш протокол ({ $segments } { $segments ->
    [one] часть
    [few] части
   *[many] частей
}): он слишком длинный для сообщений, поэтому файлом.
protocol-refunded = ↩️ На баланс { $price ->
    [one] вернулся
   *[other] вернулось
} { $price } { $price ->
    [one] кредит
    [few] кредита
   *[many] кредитов
}, теперь на нём { $balance } { $balance ->
    [one] кредит
    [few] кредита
   *[many] кредитов
}.
protocol-title = 📋 Протокол
protocol-summary = Резюме
protocol-decisions = Решения
protocol-action-items = Задачи
protocol-open-questions = Открытые вопросы
protocol-none = нет
protocol-owner-unknown = ответственный не назван
protocol-empty = Текст пустой. Пришлите сообщение или файл .txt / .md с текстом.
protocol-not-text = Не удалось прочитать файл как текст. Пришлите .txt или .md в кодировке UTF-8.
protocol-too-long = Текст слишком длинный: { $chars } { $chars ->
    [one] символ
    [few] символа
   *[many] символов
}, предел — { $max }.
protocol-file-too-big = Файл слишком большой: предел — { $max } МБ.
protocol-error-timeout = Протокол готовился слишком долго и был остановлен.
protocol-error-interrupted = Протокол прервался из-за перезапуска и не был закончен.
error-llm-rejected = Языковая модель отказалась обрабатывать этот текст.

# Платежи звёздами: сверка, /paysupport, /admin refund
command-paysupport = Помощь с платежами и возвратами
payment-reconciled = ✅ Ваш платёж на { $stars } ⭐ зачислен: { $credits ->
    [one] начислен
   *[other] начислено
} { $credits } { $credits ->
    [one] кредит
    [few] кредита
   *[many] кредитов
}, простите за задержку. Ваш баланс: { $balance }.
paysupport-text =
    <b>💳 Платежи и возвраты</b>
    Кредиты покупаются за звёзды Telegram в /balance. Если генерация или протокол не удались, кредиты возвращаются на баланс автоматически: просить не нужно.
    Если с платежом что-то не так или вы хотите вернуть звёзды за неиспользованные кредиты, пришлите id платежа (он есть и в чеке Telegram). Возврат отдаёт звёзды и списывает кредиты этого платежа, поэтому возможен, пока они не потрачены.
paysupport-contact = Поддержка: { $contact }
paysupport-write-here = Напишите в поддержку прямо здесь: /paysupport и ваше сообщение, например <code>/paysupport платёж не дошёл</code>.
paysupport-no-contact = Контакт поддержки — в описании бота.
paysupport-payments-title = Ваши последние платежи:
paysupport-payment-line = { $date } · { $credits } { $credits ->
    [one] кредит
    [few] кредита
   *[many] кредитов
} · id { $id }
paysupport-no-payments = У вас пока нет платежей звёздами.
paysupport-forwarded = ✉️ Ваше сообщение передано в поддержку. Ответ придёт сюда.
paysupport-not-forwarded = Сейчас не удалось передать сообщение. Попробуйте позже.
paysupport-forwarded-admin = 💳 /paysupport от пользователя <code>{ $id }</code>:
    { $text }
admin-usage-refund = Формат: /admin refund <id платежа>, например /admin refund stxAbC123. Id есть в /admin user <telegram id> (ссылки в журнале) и в /paysupport пользователя.
admin-refunded = ✅ Платёж <code>{ $charge }</code> возвращён: Telegram вернул звёзды пользователю <code>{ $id }</code>, { $credits ->
    [one] списан
   *[other] списано
} { $credits } { $credits ->
    [one] кредит
    [few] кредита
   *[many] кредитов
} (запись #{ $entry }), баланс теперь { $balance }.
admin-refund-already = ↩️ Платёж <code>{ $charge }</code> уже был возвращён в Telegram. Его { $credits } { $credits ->
    [one] кредит списан
    [few] кредита списаны
   *[many] кредитов списаны
} (запись #{ $entry }); баланс <code>{ $id }</code>: { $balance }.
admin-error-charge-not-found = Платежа звёздами { $id } нет в журнале: ничего не изменено. Проверьте id (ссылки в /admin user <telegram id>).
admin-error-refund-spent = Отказано: у пользователя { $id } { $balance } { $balance ->
    [one] кредит
    [few] кредита
   *[many] кредитов
}, меньше { $credits }, принесённых этим платежом, — они потрачены. Ничего не изменено, Telegram не запрашивался.
admin-error-refund-closed = Telegram уже отказал в этом возврате, и кредиты были возвращены (запись #{ $entry }). Ничего не изменено.
admin-error-refund-refused = Telegram отказал в возврате { $id }: { $description }. Кредиты возвращены, больше ничего не изменено.
admin-error-refund-unknown = Telegram не ответил на возврат { $id }, поэтому неизвестно, прошёл ли он. Кредиты остаются списанными; повторите ту же команду, чтобы завершить (дважды ничего не спишется).

# Кнопки под сообщением о генерации (src/bot/features/generate/after-generation-keyboard.ts)
gen-again = 🔁 Ещё раз
gen-new = ✨ Новая
menu-main = 🏠 Меню
gen-cancel-queued = ✖️ Отменить

# --- language and wording
admin-alert-other = 🚨 Инцидент { $incident }: подробности в логах и трассах по этому коду.
protocol-error-service-credits = У нас закончились кредиты в сервисе языковой модели. Мы уже знаем и исправляем; попробуйте позже.
protocol-progress-slow = ⏳ Читаю текст: часть { $part }/{ $total } · { $seconds } с

# --- flow (top-up Continue, Again / Cancel, admin notice, ledger labels)
topup-continue = ▶️ Продолжить
topup-continue-shown = Подтверждение уже на экране.
topup-continue-draft-gone = Это подтверждение уже закрыто (генерация запущена, отменена или время вышло). Кредиты на вашем балансе: отправьте /generate, чтобы начать заново.
topup-continue-protocol-gone = Это предложение уже закрыто (протокол запущен, отменён или время вышло). Кредиты на вашем балансе: пришлите текст ещё раз, чтобы узнать цену.
ledger-operation-protocol-charge = протокол
ledger-operation-protocol-refund = возврат за протокол
gen-again-unavailable = Эту генерацию больше нельзя повторить (модель или фото недоступны). Отправьте /generate, чтобы начать новую.
gen-cancelled-one = Отменено. { $credits } { $credits ->
    [one] кредит вернулся
    [few] кредита вернулись
   *[many] кредитов вернулись
} на баланс.
gen-cancel-too-late = Генерация уже передана генератору, остановить её нельзя. Если она не удастся, кредиты вернутся автоматически.
admin-adjust-notice-added = 🎁 Поддержка начислила вам { $credits } { $credits ->
    [one] кредит
    [few] кредита
   *[many] кредитов
}.
    Причина: { $reason }
    Ваш баланс: { $balance }.
admin-adjust-notice-removed = ℹ️ Поддержка списала с вашего баланса { $credits } { $credits ->
    [one] кредит
    [few] кредита
   *[many] кредитов
}.
    Причина: { $reason }
    Ваш баланс: { $balance }.

# --- paste merge
protocol-paste-parts = 📎 Текст пришёл несколькими сообщениями ({ $parts } { $parts ->
    [one] сообщение
    [few] сообщения
   *[many] сообщений
}), читаю как один.
protocol-paste-too-long = ✋ Текст слишком длинный для протокола: { $chars } { $chars ->
    [one] символ
    [few] символа
   *[many] символов
}, а можно не больше { $max }. Ничего не списано.
    Разделите его на части до { $max } { $max ->
        [one] символа
       *[other] символов
    } и отправьте каждую файлом .txt.
protocol-paste-price-changed = После этой оценки пришла ещё часть текста, и цена изменилась. Ничего не списано: проверьте новую цену и нажмите «Подтвердить» ещё раз.
sticker-hint = Отличный стикер! 🙂 Я работаю с текстом, фото и файлами .txt. Выберите, что сделать:
