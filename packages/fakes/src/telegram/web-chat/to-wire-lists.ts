import type { User } from 'grammy/types';
import type { FaultSwitch } from '../types.ts';
import type { WireSwitch, WireUser } from './wire.ts';

/** The fake's users as the page lists them. */
export function toWireUsers(users: Iterable<User>): WireUser[] {
  return [...users].map((u) => ({
    id: u.id,
    name: u.first_name,
    language: u.language_code ?? 'en',
  }));
}

/** The fault switches with their current state, as the page shows them. */
export function toWireSwitches(switches: readonly FaultSwitch[]): WireSwitch[] {
  return switches.map((s) => ({
    id: s.id,
    group: s.group,
    label: s.label,
    ...(s.description ? { description: s.description } : {}),
    on: s.isOn(),
  }));
}
