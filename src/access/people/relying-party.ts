/**
 * The WebAuthn relying party: its id (a host name, never an IP address) and the one origin
 * ceremonies must come from. From `server.publicUrl`, or http://localhost:<port> when Rampart runs
 * locally (browsers treat http://localhost as a secure context, so WebAuthn works there).
 */
export interface RelyingParty {
  /** The RP ID: the origin's host name. */
  id: string;
  name: string;
  /** scheme://host[:port], no trailing slash. */
  origin: string;
  /** Whether the origin is https (cookies get `Secure` and the `__Host-` prefix). */
  secure: boolean;
}

export function relyingPartyFor(baseUrl: string, name = 'Rampart'): RelyingParty {
  const u = new URL(baseUrl);
  return { id: u.hostname, name, origin: u.origin, secure: u.protocol === 'https:' };
}

/** The base URL people open: the configured public URL, or localhost on the listening port. */
export function baseUrlFor(publicUrl: string | undefined, port: number): string {
  return (publicUrl ?? `http://localhost:${port}`).replace(/\/+$/, '');
}

export function enrollmentLink(baseUrl: string, token: string): string {
  return `${baseUrl}/enroll#${token}`;
}
