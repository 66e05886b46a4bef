/**
 * The session cookie. `HttpOnly; SameSite=Strict; Path=/` always; over https it is also `Secure`
 * and named with the `__Host-` prefix (bound to this exact host, no Domain attribute).
 */
import type { RelyingParty } from './relying-party.ts';

const NAME = 'rampart_session';

export function cookieName(rp: RelyingParty): string {
  return rp.secure ? `__Host-${NAME}` : NAME;
}

function attributes(rp: RelyingParty): string {
  // `Secure` is left out only for http://localhost: a local Rampart has no TLS, browsers treat
  // localhost as a secure context (so WebAuthn works), and a cookie marked Secure would not be
  // stored over plain http by every browser. Anywhere else the origin is https and Secure is set.
  const local = !rp.secure && rp.id === 'localhost';
  return `Path=/; HttpOnly; SameSite=Strict${local ? '' : '; Secure'}`;
}

export function sessionCookie(rp: RelyingParty, secret: string, maxAgeSeconds: number): string {
  return `${cookieName(rp)}=${secret}; ${attributes(rp)}; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`;
}

export function clearedCookie(rp: RelyingParty): string {
  return `${cookieName(rp)}=; ${attributes(rp)}; Max-Age=0`;
}

/** The session secret from a Cookie header, if there is exactly one well-formed value. */
export function readSessionCookie(rp: RelyingParty, header: string | undefined): string | undefined {
  if (!header) return undefined;
  const name = cookieName(rp);
  const values = header
    .split(';')
    .map((p) => p.trim())
    .filter((p) => p.startsWith(`${name}=`))
    .map((p) => p.slice(name.length + 1));
  if (values.length !== 1) return values.length === 0 ? undefined : '';
  const v = values[0]!;
  return /^[A-Za-z0-9_-]{1,128}$/.test(v) ? v : '';
}
