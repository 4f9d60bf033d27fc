import { AsyncLocalStorage } from 'node:async_hooks';

/** Fields every log line inside the current async scope carries (user_id, chat_id, update_id…). */
export type LogFields = Record<string, string | number | boolean | undefined>;

const storage = new AsyncLocalStorage<LogFields>();

/** Runs fn with extra log fields added to the surrounding ones. */
export function withLogContext<T>(fields: LogFields, fn: () => T): T {
  return storage.run({ ...storage.getStore(), ...fields }, fn);
}

/** Adds fields to the current scope (e.g. a model id known only later in the handler). */
export function addLogContext(fields: LogFields): void {
  const store = storage.getStore();
  if (store) Object.assign(store, fields);
}

/** The fields of the current scope. */
export function getLogContext(): LogFields | undefined {
  return storage.getStore();
}
