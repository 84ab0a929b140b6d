import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/config/config.ts';
import { describeDatabase, nonLocalDatabaseWarning } from '../../../shared/db/describe-database.ts';

describe('describeDatabase', () => {
  it('shows a PostgreSQL URL with its password masked', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://lfi:s3cr3t-pw@db.example.com:5432/lfi' });

    const text = describeDatabase(config);

    expect(text).toBe('PostgreSQL at postgres://lfi:***@db.example.com:5432/lfi');
    expect(text).not.toContain('s3cr3t-pw');
  });

  it('masks a password given as a query parameter', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgresql://db.example.com/lfi?password=hunter2&sslmode=require',
    });

    const text = describeDatabase(config);

    expect(text).not.toContain('hunter2');
    expect(text).toContain('password=***');
    expect(text).toContain('sslmode=require');
  });

  it('prefers DATABASE_URL over Supabase, as openDatabase does', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://localhost/lfi',
      SUPABASE_URL: 'https://abc.supabase.co',
      SUPABASE_SERVICE_ROLE_KEY: 'service-key',
    });

    expect(describeDatabase(config)).toBe('PostgreSQL at postgres://localhost/lfi');
  });

  it('shows the Supabase URL and never the service-role key', () => {
    const config = loadConfig({
      SUPABASE_URL: 'https://abc.supabase.co',
      SUPABASE_SERVICE_ROLE_KEY: 'eyJ.secret',
    });

    const text = describeDatabase(config);

    expect(text).toBe('Supabase at https://abc.supabase.co/ with the service-role key');
    expect(text).not.toContain('eyJ.secret');
  });

  it('shows the embedded database with its absolute data folder', () => {
    expect(describeDatabase(loadConfig({ LFI_DATA_DIR: 'tmp/data' }))).toBe(
      `embedded PGlite in ${resolve('tmp/data')}`,
    );
  });
});

describe('nonLocalDatabaseWarning', () => {
  it.each([
    ['the embedded database', {}],
    ['PostgreSQL on localhost', { DATABASE_URL: 'postgres://postgres@localhost:5432/lfi' }],
    ['PostgreSQL on 127.0.0.1', { DATABASE_URL: 'postgres://postgres@127.0.0.1/lfi' }],
    ['PostgreSQL on [::1]', { DATABASE_URL: 'postgres://postgres@[::1]:5432/lfi' }],
    ['PostgreSQL on a socket', { DATABASE_URL: 'postgres:///lfi?host=/var/run/postgresql' }],
    ['a local Supabase', { SUPABASE_URL: 'http://127.0.0.1:54321', SUPABASE_SERVICE_ROLE_KEY: 'k' }],
  ])('says nothing for %s', (_, env) => {
    expect(nonLocalDatabaseWarning(loadConfig(env))).toBeUndefined();
  });

  it.each([
    [
      'a PostgreSQL server elsewhere',
      { DATABASE_URL: 'postgres://lfi:pw@db.example.com/lfi' },
      'db.example.com',
    ],
    [
      'a socket path given with a remote host',
      { DATABASE_URL: 'postgres://localhost/lfi?host=db.example.com' },
      'db.example.com',
    ],
    [
      'a Supabase project',
      { SUPABASE_URL: 'https://abc.supabase.co', SUPABASE_SERVICE_ROLE_KEY: 'k' },
      'abc.supabase.co',
    ],
  ])('warns, without secrets, when serving %s', (_, env, host) => {
    const warning = nonLocalDatabaseWarning(loadConfig(env));
    expect(warning).toContain(host);
    expect(warning).toMatch(/not on this machine/);
    expect(warning).not.toContain('pw@');
  });
});
