import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Address, encodeFunctionData, getAddress, type Hex, maxUint256, parseAbi } from 'viem';
import { canonicalJson } from '../../src/core/index.ts';
import {
  analysisDigest,
  analyzeSafeTx,
  analyzeSafeTxList,
  anyDenied,
  DEFAULT_SEVERITY,
  encodeMultiSendTransactions,
  FINDING_CODES,
  FINDING_DESCRIPTIONS,
  parseAddressList,
  parseSafeTxList,
  parseWalletConfig,
  safeLibraryDeployments,
  verifyAnalysisDigest,
  type WalletConfig,
} from '../../src/custody/index.ts';
import { readBybitExpected, readBybitList, readFbiList } from './bybit-fixture.ts';

const expected = readBybitExpected();
const records = parseSafeTxList(readBybitList()).map((r) => r.record!);
const fbi = parseAddressList(readFbiList().join('\n'));

function bybitWallet(extra: Record<string, unknown> = {}): WalletConfig {
  return parseWalletConfig({
    chainId: 1,
    address: expected.safe,
    version: '1.1.1',
    owners: expected.records[0]!.recovered_signers,
    threshold: 3,
    addressBook: [
      { address: '0x88a1493366D48225fc3cEFbdae9eBb23E323Ade3', label: 'Bybit warm wallet', category: 'own' },
    ],
    screened: fbi.addresses,
    ...extra,
  });
}
const codes = (a: { findings: Array<{ code: string }> }) =>
  [...new Set(a.findings.map((f) => f.code))].sort();

describe('the FBI PSA list as a screening set', () => {
  it('has 51 valid addresses', () => {
    assert.equal(fbi.addresses.length, 51);
    assert.deepEqual(fbi.invalid, []);
  });
});

describe('Bybit replay, analysis from raw fields', () => {
  it('denies the executed transaction with DELEGATECALL_UNTRUSTED at the top call', () => {
    const a = analyzeSafeTx({ wallet: bybitWallet(), record: records[0]! });
    assert.equal(a.safeTxHash, records[0]!.claimedSafeTxHash);
    assert.equal(a.verdict, 'deny');
    const dc = a.findings.find((f) => f.code === 'DELEGATECALL_UNTRUSTED');
    assert.ok(dc);
    assert.equal(dc.path, '');
    assert.equal(dc.severity, 'critical');
    assert.match(dc.message, /0x96221423681A6d52E184D440a8eFCEbB105C7242/);
    assert.deepEqual(codes(a), ['DELEGATECALL_UNTRUSTED', 'SIMULATION_INCOMPLETE', 'UNKNOWN_RECIPIENT']);
    // the signatures are the owners' own: nothing wrong with them, which is the point
    assert.equal(a.signatures?.thresholdMet, true);
    assert.equal(a.decoded.function?.name, 'transfer');
    assert.equal(a.requiredApprovals, 3);
  });

  it('the displayed 30,000 ETH transfer carrying those signatures gets SIGNER_NOT_OWNER', () => {
    const a = analyzeSafeTx({ wallet: bybitWallet(), record: records[1]! });
    assert.equal(a.verdict, 'deny');
    assert.ok(codes(a).includes('SIGNER_NOT_OWNER'));
    assert.equal(a.findings.filter((f) => f.code === 'SIGNER_NOT_OWNER').length, 6); // 3 signatures + 3 confirmations
    assert.equal(a.signatures?.thresholdMet, false);
    assert.ok(!codes(a).includes('UNKNOWN_RECIPIENT'));
    assert.ok(!codes(a).includes('DELEGATECALL_UNTRUSTED'));
  });

  it('and HASH_MISMATCH when the hash the signers were shown is the executed one', () => {
    const a = analyzeSafeTx({
      wallet: bybitWallet(),
      record: records[1]!,
      claims: { safeTxHash: records[0]!.claimedSafeTxHash! },
    });
    const hm = a.findings.filter((f) => f.code === 'HASH_MISMATCH');
    assert.equal(hm.length, 1);
    assert.match(hm[0]!.message, /0xb3476d06/);
  });

  it('HASH_MISMATCH for a wrong chainId form: the record analysed as a 1.3.0 wallet', () => {
    const a = analyzeSafeTx({ wallet: bybitWallet({ version: '1.3.0' }), record: records[1]! });
    assert.ok(codes(a).includes('HASH_MISMATCH'));
    assert.equal(a.safeTxHash, expected.records[1]!.safeTxHash_with_chainId_1);
  });

  it('SCREENED_ADDRESS when the transfer goes to an address on the FBI list', () => {
    const rec = { ...records[1]!, tx: { ...records[1]!.tx, to: fbi.addresses[0]! } };
    delete rec.claimedSafeTxHash;
    delete rec.signatures;
    delete rec.confirmations;
    const a = analyzeSafeTx({ wallet: bybitWallet(), record: rec });
    assert.equal(a.verdict, 'deny');
    assert.deepEqual(codes(a), ['SCREENED_ADDRESS', 'SIMULATION_INCOMPLETE', 'UNKNOWN_RECIPIENT']);
    assert.equal(a.findings[0]!.code, 'SCREENED_ADDRESS');
    assert.equal(a.findings[0]!.path, '');
  });
});

describe('digest', () => {
  const a = analyzeSafeTx({ wallet: bybitWallet(), record: records[0]! });

  it('is SHA-256 of the RFC 8785 JSON of the analysis without the digest', () => {
    const { digest, ...rest } = a;
    assert.match(digest, /^[0-9a-f]{64}$/);
    assert.equal(analysisDigest(rest), digest);
    assert.ok(verifyAnalysisDigest(a));
    assert.equal(canonicalJson(JSON.parse(JSON.stringify(rest))), canonicalJson(rest));
  });

  it('changes with any field, gas fields included', () => {
    const rec = { ...records[0]!, tx: { ...records[0]!.tx, safeTxGas: records[0]!.tx.safeTxGas + 1n } };
    const b = analyzeSafeTx({ wallet: bybitWallet(), record: rec });
    assert.notEqual(b.digest, a.digest);
    assert.equal(verifyAnalysisDigest({ ...a, verdict: 'allow' }), false);
  });

  it('is the same for the same input', () => {
    assert.equal(analyzeSafeTx({ wallet: bybitWallet(), record: records[0]! }).digest, a.digest);
  });
});

describe('findings from decoded calls', () => {
  const abi = parseAbi([
    'function changeThreshold(uint256 _threshold)',
    'function approve(address spender, uint256 amount)',
    'function multiSend(bytes transactions)',
    'function transferOwnership(address newOwner)',
    'function transfer(address to, uint256 amount)',
  ]);
  const e = (functionName: string, args: readonly unknown[]) =>
    encodeFunctionData({ abi, functionName, args } as Parameters<typeof encodeFunctionData>[0]);
  const wallet = bybitWallet({ nonce: 71 });
  const callOnly = safeLibraryDeployments(1, ['MultiSendCallOnly'])[0]!.address;
  const token = getAddress('0xdAC17F958D2ee523a2206206994597C13D831ec7');
  const tx = (to: Address, data: Hex, operation: 0 | 1 = 0, extra: object = {}) => ({
    tx: {
      to,
      value: 0n,
      data,
      operation,
      safeTxGas: 0n,
      baseGas: 0n,
      gasPrice: 0n,
      gasToken: '0x0000000000000000000000000000000000000000' as Address,
      refundReceiver: '0x0000000000000000000000000000000000000000' as Address,
      nonce: 71n,
      ...extra,
    },
  });

  it('a batch through the canonical MultiSendCallOnly: no delegatecall finding, inner findings name their paths', () => {
    const batch = encodeMultiSendTransactions([
      { operation: 0, to: wallet.address, value: 0n, data: e('changeThreshold', [1n]) },
      {
        operation: 0,
        to: token,
        value: 0n,
        data: e('approve', ['0x88a1493366D48225fc3cEFbdae9eBb23E323Ade3', maxUint256]),
      },
      {
        operation: 0,
        to: '0x88a1493366D48225fc3cEFbdae9eBb23E323Ade3',
        value: 0n,
        data: e('transferOwnership', [token]),
      },
      { operation: 0, to: '0x88a1493366D48225fc3cEFbdae9eBb23E323Ade3', value: 0n, data: '0x12345678' },
    ]);
    const a = analyzeSafeTx({
      wallet: { ...wallet, addressBook: [...wallet.addressBook!, { address: token, label: 'USDT' }] },
      record: tx(callOnly, e('multiSend', [batch]), 1),
    });
    const byCode = (c: string) => a.findings.filter((f) => f.code === c).map((f) => f.path);
    assert.deepEqual(byCode('DELEGATECALL_UNTRUSTED'), []);
    assert.deepEqual(byCode('WALLET_THRESHOLD_CHANGE'), ['0']);
    assert.deepEqual(byCode('UNLIMITED_APPROVAL'), ['1']);
    assert.deepEqual(byCode('OWNERSHIP_TRANSFER'), ['2']);
    assert.deepEqual(byCode('UNKNOWN_CALLDATA'), ['3']);
    assert.equal(a.verdict, 'deny');
  });

  it('GAS_REFUND_TO_THIRD_PARTY, NONCE_REUSED and NONCE_GAP', () => {
    const other = getAddress('0x0fa09C3A328792253f8dee7116848723b72a6d2e');
    const a = analyzeSafeTx({
      wallet,
      record: tx(wallet.addressBook![0]!.address, '0x', 0, { gasPrice: 1n, refundReceiver: other }),
    });
    assert.ok(codes(a).includes('GAS_REFUND_TO_THIRD_PARTY'));
    const own = analyzeSafeTx({
      wallet,
      record: tx(wallet.addressBook![0]!.address, '0x', 0, { gasPrice: 1n, refundReceiver: wallet.address }),
    });
    assert.ok(!codes(own).includes('GAS_REFUND_TO_THIRD_PARTY'));
    assert.ok(
      codes(analyzeSafeTx({ wallet, record: tx(wallet.address, '0x', 0, { nonce: 70n }) })).includes(
        'NONCE_REUSED',
      ),
    );
    assert.ok(
      codes(analyzeSafeTx({ wallet, record: tx(wallet.address, '0x', 0, { nonce: 73n }) })).includes(
        'NONCE_GAP',
      ),
    );
  });

  it('a plain transfer to a known address, unsimulated, is review with only SIMULATION_INCOMPLETE', () => {
    const a = analyzeSafeTx({ wallet, record: tx(wallet.addressBook![0]!.address, '0x') });
    assert.deepEqual(codes(a), ['SIMULATION_INCOMPLETE']);
    assert.equal(a.verdict, 'review');
  });

  it('every finding code is documented in FINDING_CODES', () => {
    for (const code of [
      'DELEGATECALL_UNTRUSTED',
      'WALLET_IMPLEMENTATION_CHANGE',
      'NONCE_GAP',
      'SCREENED_ADDRESS',
    ]) {
      assert.ok((FINDING_CODES as readonly string[]).includes(code));
    }
  });
});

describe('wallet registration input', () => {
  it('rejects bad wallets with clear codes', () => {
    const owners = expected.records[0]!.recovered_signers!;
    const base = {
      chainId: 1,
      address: expected.safe,
      version: '1.1.1',
      owners,
      threshold: 3,
    };
    assert.throws(() => parseWalletConfig({ ...base, version: '2.0.0' }), {
      code: 'SAFE_VERSION_UNSUPPORTED',
    });
    assert.throws(() => parseWalletConfig({ ...base, threshold: 4 }), { code: 'WALLET_INVALID' });
    assert.throws(() => parseWalletConfig({ ...base, owners: [] }), { code: 'WALLET_INVALID' });
    assert.throws(() => parseWalletConfig({ ...base, owners: [owners[0], owners[0]] }), {
      code: 'WALLET_INVALID',
    });
    assert.throws(() => parseWalletConfig({ ...base, address: '0x1234' }), { code: 'ADDRESS_INVALID' });
    assert.throws(() => parseWalletConfig(null), { code: 'WALLET_INVALID' });
  });

  it('parseAddressList keeps bad lines apart', () => {
    const r = parseAddressList('# comment\n0x88a1493366D48225fc3cEFbdae9eBb23E323Ade3\nnot-an-address\n\n');
    assert.equal(r.addresses.length, 1);
    assert.deepEqual(r.invalid, [{ line: 3, text: 'not-an-address' }]);
  });
});

describe('a list file with one bad record', () => {
  it('reports the bad record as an error entry and still analyses the others', async () => {
    const raw = readBybitList();
    const list = { results: [raw.results[0], { ...raw.results[1], data: '0xabc' }, raw.results[1]] };
    const out = await analyzeSafeTxList(bybitWallet(), list);
    assert.equal(out.length, 3);
    assert.ok('analysis' in out[0]! && out[0].analysis.verdict === 'deny');
    assert.ok('error' in out[1]! && out[1].error.code === 'HEX_INVALID');
    assert.ok(
      'analysis' in out[2]! && out[2].analysis.safeTxHash === expected.records[1]!.safeTxHash_without_chainId,
    );
    assert.equal(anyDenied(out), true);
    // the whole output is JSON: it can be printed with --json and hashed
    assert.deepEqual(JSON.parse(JSON.stringify(out)), out);
  });

  it('guards and fallback handlers only where the version has them', () => {
    assert.throws(() => bybitWallet({ guard: '0x88a1493366D48225fc3cEFbdae9eBb23E323Ade3' }), {
      code: 'WALLET_INVALID',
    });
    assert.throws(
      () => bybitWallet({ version: '1.0.0', fallbackHandler: '0x88a1493366D48225fc3cEFbdae9eBb23E323Ade3' }),
      {
        code: 'WALLET_INVALID',
      },
    );
    assert.equal(
      bybitWallet({ version: '1.3.0', guard: '0x88a1493366D48225fc3cEFbdae9eBb23E323Ade3' }).guard,
      '0x88a1493366D48225fc3cEFbdae9eBb23E323Ade3',
    );
  });
});

describe('finding codes', () => {
  it('each code has a default severity and a description', () => {
    for (const code of FINDING_CODES) {
      assert.ok(DEFAULT_SEVERITY[code], code);
      assert.ok(FINDING_DESCRIPTIONS[code].length > 10, code);
    }
  });

  it('funds sent to one of the wallet’s own owners are an UNKNOWN_RECIPIENT unless the address book lists it', () => {
    const rec = { tx: { ...records[1]!.tx, to: getAddress(expected.records[0]!.recovered_signers![0]!) } };
    assert.ok(
      analyzeSafeTx({ wallet: bybitWallet(), record: rec }).findings.some(
        (f) => f.code === 'UNKNOWN_RECIPIENT',
      ),
    );
  });
});
