/**
 * STIX patterns for cryptocurrency addresses (STIX 2.1 §9, Patterning). Rampart writes
 *   [cryptocurrency-wallet:value = '0x…']
 * using the `cryptocurrency-wallet` SCO of the muchdogesec stix2extensions library
 * (extension-definition--be78509e-…, whose id-contributing property is `value`). Older versions of
 * that library, and some producers, name the property `address`; both are read.
 *
 * `addressesOfPattern` recognises the screenable shape: one or more comparisons
 * `<wallet path> = '<addr>'` or `<wallet path> IN ('<a>', '<b>')` joined by OR, inside one or more
 * observation expressions joined by OR, with no qualifiers. Anything else that mentions a wallet
 * (AND, FOLLOWEDBY, NOT, qualifiers) cannot be turned into a deny list and is reported as such.
 */
import { STIX_PATTERN_INVALID, StixError } from './errors.ts';

export const WALLET_TYPE = 'cryptocurrency-wallet';
export const WALLET_PROPERTIES = ['value', 'address'] as const;

/** STIX string literal (§9.3): single quotes, with \' and \\ escaped. */
function literal(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function addressPattern(addresses: readonly string[]): string {
  if (addresses.length === 0) throw new RangeError('an address pattern needs at least one address');
  return addresses.map((a) => `[${WALLET_TYPE}:value = ${literal(a)}]`).join(' OR ');
}

type Tok = { t: 'str'; v: string } | { t: 'sym'; v: string } | { t: 'word'; v: string };

function tokenize(p: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < p.length) {
    const c = p[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let v = '';
      i++;
      for (;;) {
        if (i >= p.length)
          throw new StixError(STIX_PATTERN_INVALID, 'unterminated string literal in pattern');
        const d = p[i]!;
        if (d === '\\') {
          const n = p[i + 1];
          if (n !== "'" && n !== '\\')
            throw new StixError(STIX_PATTERN_INVALID, `invalid escape \\${n ?? ''} in pattern string`);
          v += n;
          i += 2;
        } else if (d === "'") {
          i++;
          break;
        } else {
          v += d;
          i++;
        }
      }
      out.push({ t: 'str', v });
    } else if ('[]()=,'.includes(c)) {
      out.push({ t: 'sym', v: c });
      i++;
    } else if (c === '!' || c === '<' || c === '>') {
      const two = p.slice(i, i + 2);
      const v = two === '!=' || two === '<=' || two === '>=' ? two : c;
      out.push({ t: 'sym', v });
      i += v.length;
    } else {
      const m = /^[A-Za-z0-9_\-:.*]+/.exec(p.slice(i));
      if (!m) throw new StixError(STIX_PATTERN_INVALID, `unexpected character "${c}" in pattern at ${i}`);
      out.push({ t: 'word', v: m[0] });
      i += m[0].length;
    }
  }
  return out;
}

export interface PatternAddresses {
  /** Addresses named, in order, as written (not yet validated). */
  addresses: string[];
  /** false when the pattern names wallets but in a shape that is not a plain list (see above). */
  screenable: boolean;
}

/**
 * The wallet addresses a pattern names, or undefined when it names none. Throws STIX_PATTERN_INVALID
 * when a pattern that mentions a wallet does not even tokenize or balance.
 */
export function addressesOfPattern(pattern: string): PatternAddresses | undefined {
  if (!pattern.includes(WALLET_TYPE)) return undefined;
  const toks = tokenize(pattern);
  let depth = 0;
  for (const t of toks) {
    if (t.t === 'sym' && (t.v === '[' || t.v === '(')) depth++;
    if (t.t === 'sym' && (t.v === ']' || t.v === ')')) depth--;
    if (depth < 0) throw new StixError(STIX_PATTERN_INVALID, 'unbalanced brackets in pattern');
  }
  if (depth !== 0) throw new StixError(STIX_PATTERN_INVALID, 'unbalanced brackets in pattern');

  const addresses: string[] = [];
  let screenable = true;
  let i = 0;
  const peek = () => toks[i];
  const isSym = (v: string) => peek()?.t === 'sym' && peek()?.v === v;
  const isWord = (v: string) => peek()?.t === 'word' && peek()!.v.toUpperCase() === v;
  const fail = (): never => {
    throw new Error('shape');
  };
  const comparison = () => {
    const path = peek();
    if (path?.t !== 'word') fail();
    i++;
    const [type, prop] = path!.v.split(':');
    const isWallet = type === WALLET_TYPE && (WALLET_PROPERTIES as readonly string[]).includes(prop ?? '');
    if (!isWallet) screenable = false;
    if (isSym('=')) {
      i++;
      const v = peek();
      if (v?.t !== 'str') fail();
      i++;
      if (isWallet) addresses.push(v!.v);
    } else if (isWord('IN')) {
      i++;
      if (!isSym('(')) fail();
      i++;
      for (;;) {
        const v = peek();
        if (v?.t !== 'str') fail();
        i++;
        if (isWallet) addresses.push(v!.v);
        if (isSym(',')) i++;
        else break;
      }
      if (!isSym(')')) fail();
      i++;
    } else fail();
  };
  const observation = () => {
    if (!isSym('[')) fail();
    i++;
    comparison();
    while (isWord('OR')) {
      i++;
      comparison();
    }
    if (!isSym(']')) fail();
    i++;
  };
  try {
    observation();
    while (isWord('OR')) {
      i++;
      observation();
    }
    if (i !== toks.length) fail();
  } catch (e) {
    if (e instanceof StixError) throw e;
    screenable = false;
  }
  if (!screenable) {
    // Still report every wallet literal so a caller can say which addresses it could not act on.
    const all: string[] = [];
    for (let k = 0; k + 2 < toks.length; k++) {
      const a = toks[k]!;
      const [type, prop] = a.t === 'word' ? a.v.split(':') : [];
      if (type === WALLET_TYPE && (WALLET_PROPERTIES as readonly string[]).includes(prop ?? '')) {
        for (let j = k + 1; j < toks.length && toks[j]!.t !== 'word'; j++)
          if (toks[j]!.t === 'str') all.push(toks[j]!.v);
      }
    }
    return { addresses: all, screenable: false };
  }
  return { addresses, screenable };
}
