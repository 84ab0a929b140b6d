import type { DashboardConfig } from '../../shared/dashboard/dashboard-assets.ts';
import type { ErrorBody } from './types.ts';

/** The dashboard's only way to the data: the public HTTP API, with the signed-in user's token. */
export function apiClient(token: () => Promise<string>) {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(path, {
      method,
      headers: {
        authorization: `Bearer ${await token()}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const json = text ? JSON.parse(text) : null;
    if (!response.ok) {
      const error = (json as Partial<ErrorBody> | null)?.error;
      const details = Array.isArray(error?.details)
        ? ` (${error.details.map((d) => `${d.field} ${d.message}`).join('; ')})`
        : '';
      throw new Error(`${error?.message ?? response.statusText}${details}`);
    }
    return json as T;
  }
  return {
    get: <T>(path: string) => call<T>('GET', path),
    post: <T>(path: string, body: unknown = {}) => call<T>('POST', path, body),
    put: <T>(path: string, body: unknown) => call<T>('PUT', path, body),
    delete: <T>(path: string) => call<T>('DELETE', path),
  };
}

export type Api = ReturnType<typeof apiClient>;

export interface Auth {
  token(): Promise<string>;
  /** Supabase only: whether the admin still has to sign in, and the sign-in itself. */
  signedIn(): Promise<boolean>;
  signIn(email: string, password: string): Promise<void>;
}

/** Locally the development token; in AWS the Supabase session's access token. */
export async function createAuth(config: DashboardConfig): Promise<Auth> {
  if (config.mode === 'local') {
    const { token } = config;
    return { token: async () => token, signedIn: async () => true, signIn: async () => {} };
  }
  // Loaded only in AWS mode, so the local page does not carry supabase-js.
  const { createClient } = await import('@supabase/supabase-js');
  const supabase = createClient(config.supabaseUrl, config.supabaseAnonKey);
  return {
    async token() {
      const { data, error } = await supabase.auth.getSession();
      if (error || !data.session) throw new Error('Not signed in.');
      return data.session.access_token;
    },
    async signedIn() {
      const { data } = await supabase.auth.getSession();
      return data.session !== null;
    },
    async signIn(email, password) {
      const { error } = await supabase.auth.signInWithPassword({ email, password });
      if (error) throw new Error(error.message);
    },
  };
}
