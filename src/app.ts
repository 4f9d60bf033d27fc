// The public entry of the composition root (main.ts, tests, the sandbox and the benches import it).
// The wiring itself lives in src/app/: create-app.ts reads top to bottom, lifecycle.ts starts and stops.
export { type App, type AppOptions, createApp } from './app/create-app.ts';
