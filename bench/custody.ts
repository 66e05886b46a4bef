/**
 * `npm run bench -- custody`
 *
 * 1. Full analysis of one Safe transaction through the public API — simulate in the EVM
 *    (`SafeSimulator.simulate`, via `analyzeWithSimulation`), decode, hash, check, digest
 *    (`analyzeSafeTx`) and the default transaction policy (`evaluatePolicy`) — for a plain ETH
 *    transfer and for a 20-call batch (10 ERC-20 transfers and 10 ETH transfers through the
 *    canonical MultiSendCallOnly 1.3.0), p50 and p99, with the simulator warm. Beside each, a bare
 *    `@ethereumjs/vm` run of the same `execTransaction` calldata on the same state (a stock
 *    `createVM` over a shallow copy of the simulator's state manager, the per-transaction state
 *    written once, then per run: checkpoint, `evm.runCall`, revert; no tracing, no analysis).
 * 2. Decoding alone (`decodeCall`, recursive, with paths and JSON values) beside the same work done
 *    with viem's `decodeFunctionData` and the ABIs known in advance.
 * Options: --iterations N timed runs per subject (default 300), --warmup N (default 30).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { Account, createAddressFromString, hexToBytes, setLengthLeft } from '@ethereumjs/util';
import { createVM, type VM } from '@ethereumjs/vm';
import {
  type Address,
  decodeFunctionData,
  encodeFunctionData,
  getAddress,
  type Hex,
  hexToBigInt,
  hexToNumber,
  pad,
  parseAbi,
  parseEther,
  size,
  slice,
  toHex,
} from 'viem';
import {
  analyzeWithSimulation,
  approvedHashSignatures,
  decodeCall,
  defaultPolicy,
  type ExtraAccount,
  encodeExecTransaction,
  encodeMultiSendTransactions,
  evaluatePolicy,
  mappingSlot,
  parseWalletConfig,
  SafeSimulator,
  type SafeTx,
  safeLibraryDeployments,
  type WalletConfig,
} from '../src/custody/index.ts';
import { percentile, type Report, type Result } from './report.ts';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};

const A = (n: number) => getAddress(`0x${n.toString(16).padStart(40, '0')}`) as Address;
const ZERO = A(0);
const EXECUTOR = createAddressFromString('0x00000000000000000000000000000000000e0ec0');
const GAS_LIMIT = 30_000_000n;
const BATCH_SIZE = 20;

const abi = parseAbi([
  'function transfer(address to, uint256 amount) returns (bool)',
  'function multiSend(bytes transactions)',
  'function execTransaction(address to, uint256 value, bytes data, uint8 operation, uint256 safeTxGas, uint256 baseGas, uint256 gasPrice, address gasToken, address refundReceiver, bytes signatures) payable returns (bool)',
]);

function makeTx(p: Partial<SafeTx> & { to: Address }): SafeTx {
  return {
    value: 0n,
    data: '0x',
    operation: 0,
    safeTxGas: 0n,
    baseGas: 0n,
    gasPrice: 0n,
    gasToken: ZERO,
    refundReceiver: ZERO,
    nonce: 7n,
    ...p,
  };
}

/** `n` runs of each, interleaved (a, b, a, b, …) so that load on the machine falls on both alike. */
async function timeBoth(
  n: number,
  a: () => Promise<unknown> | unknown,
  b: () => Promise<unknown> | unknown,
): Promise<[number[], number[]]> {
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < n; i++) {
    let t0 = performance.now();
    await a();
    ta.push(performance.now() - t0);
    t0 = performance.now();
    await b();
    tb.push(performance.now() - t0);
  }
  return [ta.sort((x, y) => x - y), tb.sort((x, y) => x - y)];
}

/**
 * The reference: the same execTransaction on the same state in a stock VM, nothing else. The
 * per-transaction state the simulator writes inside its checkpoint (nonce, extra accounts, the
 * wallet's balance, approvedHashes of the first `threshold` owners) is written here once.
 */
async function bareVm(
  sim: SafeSimulator,
  wallet: WalletConfig,
  tx: SafeTx,
  extraState: ExtraAccount[],
  contractSafeTxHash: Hex,
): Promise<{ vm: VM; run: () => Promise<bigint> }> {
  // A stock VM (no custom opcodes, no listeners) over a shallow copy of the simulator's state manager.
  const vm = await createVM({
    common: sim.vm.common.copy(),
    stateManager: sim.vm.stateManager.shallowCopy(),
  });
  const sm = vm.stateManager;
  const w = createAddressFromString(wallet.address);
  const word = (v: bigint) => setLengthLeft(hexToBytes(toHex(v)), 32);
  const put = (a: Address, slot: Hex, v: bigint) =>
    sm.putStorage(createAddressFromString(a), setLengthLeft(hexToBytes(slot), 32), word(v));
  await put(wallet.address, pad('0x05', { size: 32 }), tx.nonce); // Safe storage slot 5: nonce
  for (const x of extraState) {
    const a = createAddressFromString(x.address);
    const acct = (await sm.getAccount(a)) ?? new Account();
    await sm.putAccount(a, acct);
    if (x.code) await sm.putCode(a, hexToBytes(x.code));
    for (const [k, v] of Object.entries(x.storage ?? {})) await put(x.address, k as Hex, hexToBigInt(v));
  }
  const wa = (await sm.getAccount(w)) ?? new Account();
  wa.balance = 10n ** 24n;
  await sm.putAccount(w, wa);
  const signers = [...wallet.owners]
    .sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1))
    .slice(0, wallet.threshold);
  for (const o of signers) {
    await put(
      wallet.address,
      mappingSlot(BigInt(contractSafeTxHash), BigInt(mappingSlot(BigInt(o), 8n))),
      1n,
    );
  }
  const signatures = approvedHashSignatures(signers);
  const data = hexToBytes(encodeExecTransaction(tx, signatures));
  const journal = (vm.evm as unknown as { journal: { cleanJournal(): void } }).journal;
  return {
    vm,
    run: async () => {
      await sm.checkpoint();
      try {
        journal.cleanJournal();
        const r = await vm.evm.runCall({
          caller: EXECUTOR,
          origin: EXECUTOR,
          to: w,
          data,
          gasLimit: GAS_LIMIT,
        });
        if (r.execResult.exceptionError)
          throw new Error(`bare run reverted: ${r.execResult.exceptionError.error}`);
        return r.execResult.executionGasUsed;
      } finally {
        await sm.revert();
      }
    },
  };
}

/** viem alone, ABIs known in advance: the outer multiSend, the packed batch split, each inner call. */
function viemDecode(tx: SafeTx): unknown[] {
  const out: unknown[] = [];
  const outer = decodeFunctionData({ abi, data: tx.data });
  out.push(outer);
  if (outer.functionName !== 'multiSend') return out;
  const packed = outer.args[0];
  let i = 0;
  const n = size(packed);
  while (i < n) {
    const to = slice(packed, i + 1, i + 21);
    const len = hexToNumber(slice(packed, i + 53, i + 85));
    const data = len === 0 ? '0x' : slice(packed, i + 85, i + 85 + len);
    out.push(len === 0 ? { to } : { to, call: decodeFunctionData({ abi, data }) });
    i += 85 + len;
  }
  return out;
}

export async function run(log: (s: string) => void): Promise<Report> {
  const iterations = arg('--iterations', 300);
  const warmup = arg('--warmup', 30);
  const results: Result[] = [];
  const ratios: Record<string, number> = {};
  const policy = defaultPolicy();
  const conditions: Record<string, string | number> = {
    date: new Date().toISOString().slice(0, 10),
    machine: `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}`,
    'load average at start': loadavg()
      .map((x) => x.toFixed(2))
      .join(' '),
    iterations: `${iterations} timed runs per subject, ours and the reference interleaved, after ${warmup} warm-up runs of each (simulator and VM warm: base state, singleton and wallet deployed)`,
    wallet: 'Safe 1.3.0 (proxy + canonical singleton), 3 owners, threshold 2; chain 1, Cancun',
    'plain transfer': '1 ETH to an address-book entry, operation 0',
    batch: `${BATCH_SIZE} calls through MultiSendCallOnly 1.3.0 (delegatecall, allow-listed): 10 ERC-20 transfer (OpenZeppelin ERC20 from safe-contracts 1.3.0, supplied as extra state) and 10 ETH transfers`,
    'full analysis':
      'analyzeWithSimulation (simulate: state set-up, traced execTransaction, effects; then analyzeSafeTx: decode, hash, signatures, checks, digest) + evaluatePolicy(defaultPolicy(), now, empty history, the address book)',
    'bare VM (reference)':
      'stock createVM over stateManager.shallowCopy() of the warm simulator (same state, same state-manager type), the per-transaction state written once; per run: checkpoint, evm.runCall(execTransaction) with the same calldata, revert',
  };

  const require = createRequire(import.meta.url);
  const erc20 = JSON.parse(
    readFileSync(
      require.resolve(
        'safe-contracts-1.3.0/build/artifacts/@openzeppelin/contracts/token/ERC20/ERC20.sol/ERC20.json',
      ),
      'utf8',
    ),
  ) as { deployedBytecode: Hex };
  const token = A(0x70ce);
  const recipients = Array.from({ length: 10 }, (_, i) => A(0x2001 + i));
  const wallet = parseWalletConfig({
    chainId: 1,
    address: getAddress('0x00000000000000000000000000000000ba5eba11'),
    version: '1.3.0',
    owners: [A(0x1001), A(0x1002), A(0x1003)],
    threshold: 2,
    addressBook: [
      ...recipients.map((address, i) => ({ address, label: `desk ${i}` })),
      { address: token, label: 'token' },
    ],
  });
  const callOnly = safeLibraryDeployments(1, ['MultiSendCallOnly'])[0]!.address;
  const calls = Array.from({ length: BATCH_SIZE }, (_, i) =>
    i % 2 === 0
      ? {
          operation: 0,
          to: token,
          value: 0n,
          data: encodeFunctionData({ abi, functionName: 'transfer', args: [recipients[i / 2]!, 100n] }),
        }
      : { operation: 0, to: recipients[(i - 1) / 2]!, value: parseEther('0.1'), data: '0x' as Hex },
  );
  const cases: { name: string; tx: SafeTx; extraState: ExtraAccount[] }[] = [
    { name: 'plain transfer', tx: makeTx({ to: recipients[0]!, value: parseEther('1') }), extraState: [] },
    {
      name: `${BATCH_SIZE}-call MultiSend`,
      tx: makeTx({
        to: callOnly,
        operation: 1,
        data: encodeFunctionData({
          abi,
          functionName: 'multiSend',
          args: [encodeMultiSendTransactions(calls)],
        }),
      }),
      extraState: [
        {
          address: token,
          code: erc20.deployedBytecode,
          storage: { [mappingSlot(BigInt(wallet.address), 0n)]: toHex(10n ** 24n) }, // _balances at slot 0
        },
      ],
    },
  ];

  log('setting up the simulator (base state, singleton, wallet)…');
  const sim = await SafeSimulator.create(1);
  const analyse = async (tx: SafeTx, extraState: ExtraAccount[]) => {
    const { analysis, simulationError } = await analyzeWithSimulation(sim, {
      wallet,
      record: { tx },
      extraState,
    });
    if (simulationError) throw simulationError;
    const decision = evaluatePolicy(policy, analysis, {
      now: new Date(),
      history: [],
      addressBook: wallet.addressBook ?? [],
    });
    return { analysis, decision };
  };

  const p = (t: number[], q: number) => percentile(t, q);
  for (const c of cases) {
    const { analysis, decision } = await analyse(c.tx, c.extraState);
    if (!analysis.simulation?.success) throw new Error(`${c.name}: simulation did not succeed`);
    const bare = await bareVm(sim, wallet, c.tx, c.extraState, analysis.safeTxHash);
    const bareGas = (await bare.run()).toString();
    // the same execTransaction on the same state: the same gas, to the unit
    if (bareGas !== analysis.simulation.gasUsed)
      throw new Error(`${c.name}: bare VM gas ${bareGas} ≠ simulation gas ${analysis.simulation.gasUsed}`);
    conditions[`${c.name}: outcome`] =
      `verdict ${analysis.verdict}, findings [${analysis.findings.map((f) => f.code).join(', ')}], ` +
      `policy ${decision.decision} (${decision.ruleId ?? 'no rule'}), execTransaction gas ${bareGas} in both`;

    log(`${c.name}: warm-up ${warmup}, then ${iterations} runs each…`);
    for (let i = 0; i < warmup; i++) {
      await analyse(c.tx, c.extraState);
      await bare.run();
    }
    const [ours, ref] = await timeBoth(
      iterations,
      () => analyse(c.tx, c.extraState),
      () => bare.run(),
    );
    for (const [subject, t] of [
      [`${c.name}: full analysis (ours)`, ours],
      [`${c.name}: bare @ethereumjs/vm execTransaction (reference)`, ref],
    ] as const) {
      results.push({ subject, metric: 'p50', value: p(t, 50), unit: 'ms' });
      results.push({ subject, metric: 'p99', value: p(t, 99), unit: 'ms' });
    }
    ratios[c.name === 'plain transfer' ? 'analysisVsBareVm' : 'analysisVsBareVmBatch'] =
      p(ours, 50) / p(ref, 50);
  }

  log('decoding…');
  const batchTx = cases[1]!.tx;
  const decodeN = iterations * 10;
  for (let i = 0; i < 200; i++) {
    decodeCall(batchTx);
    viemDecode(batchTx);
  }
  const [ours, ref] = await timeBoth(
    decodeN,
    () => decodeCall(batchTx),
    () => viemDecode(batchTx),
  );
  for (const [subject, t] of [
    [`${BATCH_SIZE}-call MultiSend: decode with decodeCall (ours)`, ours],
    [`${BATCH_SIZE}-call MultiSend: decode with viem decodeFunctionData (reference)`, ref],
  ] as const) {
    results.push({ subject, metric: 'p50', value: p(t, 50), unit: 'ms' });
    results.push({ subject, metric: 'p99', value: p(t, 99), unit: 'ms' });
  }
  ratios.decodeVsViem = p(ours, 50) / p(ref, 50);
  conditions.decoding = `${decodeN} runs each, interleaved, after 200 warm-up: decodeCall (registry lookup by selector, recursive MultiSend, paths, JSON values) vs viem decodeFunctionData with the ABIs known in advance (outer multiSend, packed batch split by hand, each inner call)`;

  return { benchmark: 'custody', conditions, results, ratios };
}
