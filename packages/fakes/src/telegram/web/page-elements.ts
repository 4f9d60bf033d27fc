/** The page's fixed elements (index.html), looked up once when the page loads. */

/** The element with `id`; index.html has every id the page code asks for. */
export const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
/** The chat's message list. */
export const list = byId<HTMLOListElement>('messages');
/** The composer's text box. */
export const text = byId<HTMLTextAreaElement>('text');
export const userSelect = byId<HTMLSelectElement>('user-select');
/** "The bot is typing…". */
export const actionLine = byId<HTMLParagraphElement>('chat-action');
/** The "disconnected" notice. */
export const connection = byId<HTMLParagraphElement>('connection');
