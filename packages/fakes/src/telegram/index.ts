// Telegram's HTML parse mode as the fake reads it: the bot's HTML splitting is tested against it.
export { parseHtml } from './parse-html.ts';
export { MESSAGE_MAX_UNITS, splitLongText } from './split-long-text.ts';
export { createTelegramFake } from './telegram-fake.ts';
export type {
  AnyReplyMarkup,
  ApiCall,
  ButtonTarget,
  CallbackAnswer,
  ChatInvoice,
  ChatMedia,
  ChatMessage,
  FakeUser,
  FakeUserInit,
  Fault,
  FaultInjector,
  FaultKind,
  FaultSwitch,
  PaymentResult,
  RateLimits,
  SendTextOptions,
  StarPayment,
  TelegramFake,
  TelegramFakeEventName,
  TelegramFakeEvents,
  TelegramFakeOptions,
  UploadDescriptor,
  WebChatOptions,
} from './types.ts';
export { WEB_CHAT_FIRST_USER } from './web-chat/web-chat.ts';
