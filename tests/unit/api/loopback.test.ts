import { describe, expect, it } from 'vitest';
import { isLoopbackAddress, loopbackOrigin, mayReadDevelopmentToken } from '../../../shared/api/loopback.ts';

describe('the Host header the local server answers to', () => {
  it.each([
    ['localhost:8787', 'http://localhost:8787'],
    ['LOCALHOST:8787', 'http://localhost:8787'],
    ['127.0.0.1:8787', 'http://127.0.0.1:8787'],
    ['[::1]:8787', 'http://[::1]:8787'],
  ])('answers %s, a loopback name with the port', (host, origin) => {
    expect(loopbackOrigin(host, 8787)).toBe(origin);
  });

  it.each([
    ['another machine', 'lfi.example.com:8787'],
    ['a name that only starts like localhost (DNS rebinding)', 'localhost.evil.example:8787'],
    ['a name that embeds the address', '127.0.0.1.nip.io:8787'],
    ['another port', 'localhost:8788'],
    ['no port', 'localhost'],
    ['a LAN address', '192.168.1.20:8787'],
    ['another loopback address', '127.0.0.2:8787'],
    ['credentials before the name', 'user@localhost:8787'],
    ['a trailing dot', 'localhost.:8787'],
    ['nothing', ''],
    ['no header', undefined],
  ])('answers no request with %s', (_, host) => {
    expect(loopbackOrigin(host, 8787)).toBeUndefined();
  });
});

describe('who may read the development token', () => {
  const request = (headers: Record<string, string>, remoteAddress = '127.0.0.1') => ({
    headers: { host: 'localhost:8787', ...headers },
    remoteAddress,
  });

  it("gives it to the dashboard page's own request", () => {
    expect(mayReadDevelopmentToken(request({ 'sec-fetch-site': 'same-origin' }), 8787)).toBe(true);
    expect(
      mayReadDevelopmentToken(
        request({ 'sec-fetch-site': 'same-origin', origin: 'http://localhost:8787' }),
        8787,
      ),
    ).toBe(true);
  });

  it('gives it to a client on this machine that is no browser (curl sends no fetch metadata)', () => {
    expect(mayReadDevelopmentToken(request({}), 8787)).toBe(true);
    expect(mayReadDevelopmentToken(request({}, '::1'), 8787)).toBe(true);
    expect(mayReadDevelopmentToken(request({}, '::ffff:127.0.0.1'), 8787)).toBe(true);
  });

  it.each([
    ['another site', { 'sec-fetch-site': 'cross-site' }],
    ['a sibling site', { 'sec-fetch-site': 'same-site' }],
    ['an address typed by hand', { 'sec-fetch-site': 'none' }],
    ['another origin', { origin: 'http://evil.example' }],
    ["the other loopback name's origin", { origin: 'http://127.0.0.1:8787' }],
    ['an opaque origin', { origin: 'null' }],
  ])('refuses it to a request from %s', (_, headers) => {
    expect(mayReadDevelopmentToken(request(headers), 8787)).toBe(false);
  });

  it('refuses it to another machine and to a request with a foreign Host', () => {
    expect(mayReadDevelopmentToken(request({}, '192.168.1.20'), 8787)).toBe(false);
    expect(
      mayReadDevelopmentToken({ headers: { host: 'evil.example:8787' }, remoteAddress: '127.0.0.1' }, 8787),
    ).toBe(false);
  });
});

describe('loopback addresses', () => {
  it.each(['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'])('counts %s', (address) => {
    expect(isLoopbackAddress(address)).toBe(true);
  });
  it.each(['10.0.0.1', '::ffff:10.0.0.1', '0.0.0.0', '::', '', undefined])('does not count %s', (address) => {
    expect(isLoopbackAddress(address)).toBe(false);
  });
});
