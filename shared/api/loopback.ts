import type { IncomingHttpHeaders } from 'node:http';

/**
 * The local server's rules for who is on this machine. A page on another site can make a browser
 * send requests to 127.0.0.1, and with DNS rebinding (its own name re-pointed at 127.0.0.1) even
 * read the answers as same-origin; such a request still carries the page's own name in Host. So
 * the server answers only to loopback names with its port, and hands its development token only
 * to requests from its own page or from a non-browser client on this machine.
 */
const loopbackNames = ['localhost', '127.0.0.1', '[::1]'];

/** `http://<name>:<port>` when Host is a loopback name with this server's port, else undefined. */
export function loopbackOrigin(host: string | undefined, port: number): string | undefined {
  const match = /^(localhost|127\.0\.0\.1|\[::1\]):(\d{1,5})$/i.exec(host ?? '');
  const name = match?.[1]?.toLowerCase();
  if (!name || !loopbackNames.includes(name) || Number(match?.[2]) !== port) return undefined;
  return `http://${name}:${port}`;
}

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6 (what a dual-stack socket reports). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

export interface LocalRequest {
  readonly headers: IncomingHttpHeaders;
  readonly remoteAddress: string | undefined;
}

/**
 * Whether a request may have the development token: from this machine, naming the server by a
 * loopback name, and either the server's own page (fetch metadata `same-origin`, an Origin if any
 * equal to the server's) or a client that sends no fetch metadata and no Origin (curl, scripts):
 * browsers send them on every request a page makes.
 */
export function mayReadDevelopmentToken(request: LocalRequest, port: number): boolean {
  const origin = loopbackOrigin(request.headers.host, port);
  if (!origin || !isLoopbackAddress(request.remoteAddress)) return false;
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return false;
  const from = request.headers.origin;
  return from === undefined || from === origin;
}
