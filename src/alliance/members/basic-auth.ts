/**
 * HTTP Basic authentication of alliance members (RFC 7617; TAXII 2.1 §1.6.1 makes it mandatory to
 * implement). Wraps the app's principal resolver: a request with `Authorization: Basic` is a member
 * or is refused with 401; any other request goes to the usual resolver (sessions), and signed
 * service requests keep their own path.
 */
import type { FastifyRequest } from 'fastify';
import { permissionsFor } from '../../access/index.ts';
import { RampartError } from '../../core/index.ts';
import type { Ledger } from '../../ledger/index.ts';
import { getMember } from './members.ts';
import { verifyPassword } from './password.ts';

interface Principal {
  id: string;
  kind: 'user' | 'service';
  permissions: ReadonlySet<string>;
}

export const MEMBER_PERMISSIONS: ReadonlySet<string> = permissionsFor(['alliance-member']);

function refused(message: string): RampartError {
  return new RampartError('MEMBER_CREDENTIALS_INVALID', message, { status: 401 });
}

export function withMemberBasicAuth<P extends Principal>(
  ledger: Ledger,
  next: (req: FastifyRequest) => Promise<P | undefined>,
): (req: FastifyRequest) => Promise<P | Principal | undefined> {
  return async (req) => {
    const h = req.headers.authorization;
    if (typeof h !== 'string' || !/^basic /i.test(h)) return next(req);
    let decoded: string;
    try {
      decoded = Buffer.from(h.slice(6).trim(), 'base64').toString('utf8');
    } catch {
      throw refused('malformed Basic credentials');
    }
    const colon = decoded.indexOf(':');
    if (colon <= 0) throw refused('malformed Basic credentials');
    const id = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    const member = await getMember(ledger.store.db, id);
    // Same work whether or not the member exists would be better still; the cost here is one scrypt.
    if (!member?.passwordHash || !(await verifyPassword(member.passwordHash, password)))
      throw refused('unknown member or wrong password');
    return { id: `service:${member.id}`, kind: 'service', permissions: MEMBER_PERMISSIONS };
  };
}
