/** The web chat's JSON API (web-chat/web-chat.ts); errors carry its message. */

/** The server answered with an error (a failed fetch is a TypeError instead: the sandbox is down). */
export class ApiProblem extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

async function parse<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => ({}))) as { error?: string };
  if (!response.ok)
    throw new ApiProblem(response.status, body.error ?? `${response.status} ${response.statusText}`);
  return body as T;
}

export async function getJson<T>(url: string): Promise<T> {
  return parse<T>(await fetch(url));
}

export async function postJson<T>(url: string, body: unknown): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return parse<T>(response);
}

/** Sends a file as the user: a photo, or a document with its name and type. */
export async function uploadFile(
  user: number,
  kind: 'photo' | 'document',
  file: File,
  caption: string,
): Promise<void> {
  const query = new URLSearchParams({ user: String(user), kind, name: file.name });
  if (caption) query.set('caption', caption);
  const response = await fetch(`/chat/api/uploads?${query}`, {
    method: 'POST',
    headers: { 'content-type': file.type || 'application/octet-stream', 'x-web-chat': '1' },
    body: file,
  });
  await parse(response);
}
