import { randomBytes } from 'node:crypto';
import pg from 'pg';

async function admin(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * A fresh schema on the server for one bench run, and the URL that puts it first on the search
 * path of every connection (the bot migrates into it). Runs share one server, and what one left
 * behind (the baseline's claims still open at SIGTERM, whose leases later expire) would otherwise be
 * picked up by the next run's retry sweep and measured as its work.
 */
export async function isolatedSchema(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const schema = `bench_${randomBytes(6).toString('hex')}`;
  await admin(url, `create schema ${schema}`);
  const scoped = new URL(url);
  scoped.searchParams.set('options', `-c search_path=${schema}`);
  return { url: scoped.toString(), drop: () => admin(url, `drop schema if exists ${schema} cascade`) };
}
