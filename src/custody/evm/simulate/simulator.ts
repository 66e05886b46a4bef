/**
 * Simulation of a Safe transaction in a real EVM (@ethereumjs/vm), in process.
 *
 * Base state, built once and shared by every simulation on this simulator:
 *  - the Safe singleton of each version used and the canonical MultiSend, MultiSendCallOnly,
 *    CreateCall and SignMessageLib: each deployed by running its official creation code (from the
 *    npm artifacts) at its canonical address, so immutables are right; the resulting runtime code
 *    is compared with the code hash published in safe-deployments (`contracts[].codeHashMatches`);
 *  - each wallet (per configuration): the version's proxy deployed the same way at the wallet's
 *    address, then the real `setup(owners, threshold, …)`; modules and guard written to their slots.
 * Per simulation, inside a state checkpoint that is reverted afterwards:
 *  - the nonce, the wallet's balance, and extra accounts (code, storage, balance) supplied by the
 *    caller, e.g. for an offline fork;
 *  - the threshold met through state, not by skipping checks: approvedHashes[owner][safeTxHash] = 1
 *    for the first `threshold` owners (what their approveHash calls would leave), and
 *    execTransaction gets their v = 1 signatures — or the caller's own packed signatures, which the
 *    contract then checks itself (ecrecover, eth_sign, …).
 * Then `execTransaction` runs from a non-owner executor, traced: every SSTORE in the wallet's
 * storage context, keccak pre-images (to name mapping slots), every message (to find calls into
 * accounts without code), and the logs of frames that did not revert.
 *
 * The contract's own transaction hash: the approvals are written under the hash we compute
 * (safe-hash.ts) and execTransaction runs once; the trace shows the EIP-712 hash the contract
 * computed (the keccak of 0x1901 ‖ domain separator ‖ struct hash in the wallet's context). When
 * it is not ours, or was not seen, the contract is asked (`getTransactionHash`) and the
 * transaction runs again with the approvals under the contract's hash, so a disagreement never
 * changes what is simulated, only costs a second run.
 *
 * Performance (see `npm run bench -- custody`): most of a run is @ethereumjs analysing the
 * jump destinations of the 23 KB singleton once per call frame, which it does not cache. So the
 * simulator keeps one VM and its warm base state, works inside state checkpoints, and enters the
 * singleton as few times as it can (one frame in the common case, above); state reads go
 * through the state manager's caches instead of the Merkle trie, and the trace hooks only SSTORE
 * and KECCAK256 (custom opcodes wrapping the stock ones) instead of a `step` event per opcode.
 */
import { type Common, createCustomCommon, Hardfork, Mainnet } from '@ethereumjs/common';
import { type EVMOpts, getOpcodesForHF, type Message, paramsEVM } from '@ethereumjs/evm';
import { Caches, MerkleStateManager } from '@ethereumjs/statemanager';
import {
  Account,
  bytesToHex,
  createAddressFromString,
  type Address as EjsAddress,
  hexToBytes,
  setLengthLeft,
} from '@ethereumjs/util';
import { createVM, type VM } from '@ethereumjs/vm';
import {
  type Address,
  concat,
  decodeErrorResult,
  decodeFunctionResult,
  encodeAbiParameters,
  encodeFunctionData,
  getAddress,
  type Hex,
  keccak256,
  pad,
  toHex,
} from 'viem';
import { canonicalJson, RampartError } from '../../../core/index.ts';
import type { WalletConfig } from '../../analysis/wallet.ts';
import { type Deployment, safeLibraryDeployments, safeSingletonDeployment } from '../deployments.ts';
import { approvedHashSignatures, encodeExecTransaction } from '../exec-transaction.ts';
import { safeTxHash } from '../safe-hash.ts';
import type { SafeTx } from '../safe-tx.ts';
import type { SafeVersion } from '../versions.ts';
import { hasSafeArtifact, loadSafeArtifact, type SafeContractName } from './artifacts.ts';
import { type ExtraAccount, parseExtraState } from './extra-state.ts';
import { SAFE_100_SETUP_ABI, SAFE_ABI } from './safe-abi.ts';
import { tokenEffects } from './token-effects.ts';
import type { BalanceChange, SimulationResult, WalletStorageWrite } from './types.ts';
import { classifyWalletSlot, GUARD_SLOT, mappingSlot, SLOT, slotHex } from './wallet-slots.ts';

export interface SimulateInput {
  wallet: WalletConfig;
  tx: SafeTx;
  /** packed signatures to execute with; default: approved hashes of the first `threshold` owners */
  signatures?: Hex;
  extraState?: ExtraAccount[];
  /** the wallet's native balance in the simulated state; default 10^24 wei (1,000,000 ETH) */
  walletBalance?: bigint;
}

export interface DeployedContract {
  name: string;
  version: string;
  address: Address;
  /** runtime code produced here equals the code hash published in safe-deployments */
  codeHashMatches: boolean;
}

export interface SimulationReport extends SimulationResult {
  contractSafeTxHash: Hex;
  contracts: DeployedContract[];
}

const EXECUTOR = createAddressFromString('0x00000000000000000000000000000000000e0ec0');
const DEPLOYER = createAddressFromString('0x00000000000000000000000000000000000de910');
const GAS_LIMIT = 30_000_000n;
const SENTINEL = 1n;
const PRECOMPILE_MAX = 0x11n;

const ejs = (a: string) => createAddressFromString(a);
const hex = (b: Uint8Array) => bytesToHex(b) as Hex;

/** What the traced execTransaction records (see `tracingOpcodes`). */
interface Trace {
  /** the wallet's address, lower case */
  wallet: string;
  /** slots written by SSTORE in the wallet's storage context */
  writes: Set<bigint>;
  /** keccak256 of 64-byte inputs (mapping slots): hash → (key, base) */
  preimages: Map<bigint, { key: bigint; base: bigint }>;
  /** the first EIP-712 hash (keccak of 0x1901 ‖ domain ‖ struct) computed in the wallet's context */
  eip712Hash: bigint | undefined;
}

type OpHandler = Extract<
  NonNullable<EVMOpts['customOpcodes']>[number],
  { logicFunction: unknown }
>['logicFunction'];
type RunState = Parameters<OpHandler>[0];

/**
 * SSTORE and KECCAK256 as the stock opcodes (same gas functions, same logic) plus a record into
 * `trace.current` while a traced call runs. Cheaper than a `step` listener, which makes the
 * interpreter copy the stack and memory for every opcode executed.
 */
function tracingOpcodes(common: Common, trace: { current: Trace | null }): EVMOpts['customOpcodes'] {
  common.updateParams(paramsEVM); // what the EVM does with its common; the opcode fees come from these
  const stock = getOpcodesForHF(common);
  const op = (code: number) => {
    const info = stock.opcodes.get(code);
    const logic = stock.handlers.get(code);
    if (!info || !logic) throw new Error(`opcode 0x${code.toString(16)} missing`);
    return { info, logic, gas: stock.dynamicGasHandlers.get(code) };
  };
  const sstore = op(0x55);
  const keccak = op(0x20);
  return [
    {
      opcode: 0x55,
      opcodeName: sstore.info.name,
      baseFee: sstore.info.fee,
      ...(sstore.gas ? { gasFunction: sstore.gas } : {}),
      logicFunction: (runState: RunState, c: Common) => {
        const t = trace.current;
        if (t && runState.interpreter.getAddress().toString() === t.wallet) {
          t.writes.add(runState.stack.peek(1)[0]!);
        }
        return sstore.logic(runState, c);
      },
    },
    {
      opcode: 0x20,
      opcodeName: keccak.info.name,
      baseFee: keccak.info.fee,
      ...(keccak.gas ? { gasFunction: keccak.gas } : {}),
      logicFunction: async (runState: RunState, c: Common) => {
        const t = trace.current;
        if (!t) return keccak.logic(runState, c);
        const [offset, length] = runState.stack.peek(2) as [bigint, bigint];
        await keccak.logic(runState, c);
        if (length === 64n) {
          const pre = runState.memory.read(Number(offset), 64, true);
          const [h] = runState.stack.peek(1) as [bigint];
          t.preimages.set(h, { key: BigInt(hex(pre.subarray(0, 32))), base: BigInt(hex(pre.subarray(32))) });
        } else if (length === 66n && t.eip712Hash === undefined) {
          const pre = runState.memory.read(Number(offset), 2, true);
          if (
            pre[0] === 0x19 &&
            pre[1] === 0x01 &&
            runState.interpreter.getAddress().toString() === t.wallet
          ) {
            t.eip712Hash = runState.stack.peek(1)[0];
          }
        }
      },
    },
  ];
}

export class SafeSimulator {
  private constructor(
    readonly vm: VM,
    readonly chainId: number,
    private readonly trace: { current: Trace | null },
    /** the VM's state manager (vm.stateManager), with its concrete type */
    private readonly state: MerkleStateManager,
  ) {}

  static async create(chainId: number): Promise<SafeSimulator> {
    const common = createCustomCommon({ chainId }, Mainnet, { hardfork: Hardfork.Cancun });
    const trace: { current: Trace | null } = { current: null };
    // Reads served from the caches, not the Merkle trie; checkpoints are journalled diffs, so
    // their cost does not grow with the number of wallets deployed (SimpleStateManager copies
    // its whole state at every checkpoint, that is at every call frame).
    const state = new MerkleStateManager({ common, caches: new Caches() });
    const vm = await createVM({
      common,
      stateManager: state,
      evmOpts: { customOpcodes: tracingOpcodes(common, trace) },
    });
    return new SafeSimulator(vm, chainId, trace, state);
  }

  private async deployAt(address: Address, creationCode: Hex): Promise<Hex> {
    const to = ejs(address);
    await this.vm.stateManager.putAccount(to, new Account());
    const r = await this.vm.evm.runCode({
      code: hexToBytes(creationCode),
      to,
      caller: DEPLOYER,
      gasLimit: GAS_LIMIT,
    });
    if (r.exceptionError) {
      throw new RampartError(
        'SIMULATION_SETUP_FAILED',
        `deploying code at ${address} failed: ${r.exceptionError.error}`,
        {
          status: 500,
        },
      );
    }
    await this.vm.stateManager.putCode(to, r.returnValue);
    return hex(r.returnValue);
  }

  private async deployCanonical(
    version: SafeVersion,
    name: SafeContractName,
    d: Deployment,
  ): Promise<DeployedContract> {
    const code = await this.deployAt(d.address, loadSafeArtifact(version, name).bytecode);
    return {
      name: d.contractName,
      version: d.version,
      address: d.address,
      codeHashMatches: keccak256(code) === d.codeHash,
    };
  }

  private async call(from: EjsAddress, to: Address, data: Hex, value = 0n) {
    // Each call is its own transaction: forget which addresses and slots earlier calls warmed
    // (EIP-2929), or gas, and with it the analysis digest, would depend on what ran before.
    (this.vm.evm as unknown as { journal: { cleanJournal(): void } }).journal.cleanJournal();
    return this.vm.evm.runCall({
      caller: from,
      origin: from,
      to: ejs(to),
      data: hexToBytes(data),
      value,
      gasLimit: GAS_LIMIT,
    });
  }

  private async view<T>(to: Address, functionName: string, args: readonly unknown[] = []): Promise<T> {
    const data = encodeFunctionData({ abi: SAFE_ABI, functionName, args } as Parameters<
      typeof encodeFunctionData
    >[0]);
    const r = await this.call(EXECUTOR, to, data);
    if (r.execResult.exceptionError) {
      throw new RampartError('SIMULATION_SETUP_FAILED', `${functionName} on ${to} reverted`, { status: 500 });
    }
    return decodeFunctionResult({
      abi: SAFE_ABI,
      functionName,
      data: hex(r.execResult.returnValue),
    } as Parameters<typeof decodeFunctionResult>[0]) as T;
  }

  private base: DeployedContract[] | undefined;
  private readonly singletons = new Map<SafeVersion, DeployedContract>();

  /**
   * The canonical libraries (once) and the singleton of `version` (once per version), deployed
   * into the simulator's base state: they are immutable, so every simulation shares them.
   */
  private async ensureBase(version: SafeVersion): Promise<DeployedContract[]> {
    if (!this.base) {
      const libs: DeployedContract[] = [];
      for (const d of safeLibraryDeployments(this.chainId)) {
        const v = d.version as SafeVersion;
        const name = d.contractName as SafeContractName;
        if (hasSafeArtifact(v, name)) libs.push(await this.deployCanonical(v, name, d));
      }
      this.base = libs;
    }
    let singleton = this.singletons.get(version);
    if (!singleton) {
      const d = safeSingletonDeployment(version, this.chainId);
      if (!d)
        throw new RampartError('SAFE_DEPLOYMENT_UNKNOWN', `no canonical Safe ${version} singleton`, {
          status: 500,
        });
      singleton = await this.deployCanonical(version, 'singleton', d);
      this.singletons.set(version, singleton);
      await this.state.flush(); // into the trie: a shallow copy of the state manager sees it
    }
    return [...this.base, singleton];
  }

  /** wallet address (lower case) → canonical JSON of the configuration deployed there in the base state */
  private readonly wallets = new Map<string, string>();

  /**
   * Deploys the wallet into the base state — proxy, the real `setup(owners, threshold, …)`,
   * modules and guard — once per configuration; a changed configuration at the same address
   * replaces the old account.
   */
  private async ensureWallet(wallet: WalletConfig, singleton: DeployedContract): Promise<void> {
    const key = canonicalJson({
      version: wallet.version,
      owners: wallet.owners,
      threshold: wallet.threshold,
      modules: wallet.modules ?? [],
      guard: wallet.guard ?? null,
      fallbackHandler: wallet.fallbackHandler ?? null,
    });
    const lc = wallet.address.toLowerCase();
    if (this.wallets.get(lc) === key) return;
    const sm = this.vm.stateManager;
    this.wallets.delete(lc);
    await sm.deleteAccount(ejs(wallet.address));
    const proxy = loadSafeArtifact(wallet.version, 'proxy');
    const ctorArgs = encodeAbiParameters([{ type: 'address' }], [singleton.address]);
    await this.deployAt(wallet.address, concat([proxy.bytecode, ctorArgs]));

    const ZERO = '0x0000000000000000000000000000000000000000';
    const setup =
      wallet.version === '1.0.0'
        ? encodeFunctionData({
            abi: SAFE_100_SETUP_ABI,
            functionName: 'setup',
            args: [wallet.owners, BigInt(wallet.threshold), ZERO, '0x', ZERO, 0n, ZERO],
          })
        : encodeFunctionData({
            abi: SAFE_ABI,
            functionName: 'setup',
            args: [
              wallet.owners,
              BigInt(wallet.threshold),
              ZERO,
              '0x',
              wallet.fallbackHandler ?? ZERO,
              ZERO,
              0n,
              ZERO,
            ],
          });
    const r = await this.call(DEPLOYER, wallet.address, setup);
    if (r.execResult.exceptionError) {
      throw new RampartError(
        'SIMULATION_SETUP_FAILED',
        `setup of the wallet reverted: ${r.execResult.exceptionError.error}`,
        {
          status: 500,
        },
      );
    }
    const put = this.putWord(wallet.address);
    const modules = wallet.modules ?? [];
    if (modules.length > 0) {
      const chain = [SENTINEL, ...modules.map((m) => BigInt(m)), SENTINEL];
      for (let i = 0; i < chain.length - 1; i++)
        await put(mappingSlot(chain[i]!, SLOT.modules), chain[i + 1]!);
    }
    if (wallet.guard) await put(GUARD_SLOT, BigInt(wallet.guard));
    await this.state.flush();
    this.wallets.set(lc, key);
  }

  private putWord(address: Address) {
    const a = ejs(address);
    return (slot: Hex, value: bigint) =>
      this.vm.stateManager.putStorage(a, hexToBytes(slot), setLengthLeft(hexToBytes(toHex(value)), 32));
  }

  /** Nonce, extra accounts and the wallet's balance: inside the simulation's checkpoint. */
  private async applyState(input: SimulateInput): Promise<void> {
    const sm = this.vm.stateManager;
    await this.putWord(input.wallet.address)(slotHex(SLOT.nonce), input.tx.nonce);
    // re-validated here: the simulator is also called directly, with data that did not come through JSON
    for (const x of parseExtraState(input.extraState)) {
      const a = ejs(x.address);
      const acct = (await sm.getAccount(a)) ?? new Account();
      if (x.balance !== undefined) acct.balance = x.balance;
      if (x.nonce !== undefined) acct.nonce = x.nonce;
      await sm.putAccount(a, acct);
      if (x.code !== undefined) await sm.putCode(a, hexToBytes(x.code));
      for (const [k, v] of Object.entries(x.storage ?? {})) {
        await sm.putStorage(a, setLengthLeft(hexToBytes(k as Hex), 32), setLengthLeft(hexToBytes(v), 32));
      }
    }
    const w = ejs(input.wallet.address);
    const wa = (await sm.getAccount(w)) ?? new Account();
    wa.balance = input.walletBalance ?? 10n ** 24n;
    await sm.putAccount(w, wa);
  }

  private queue: Promise<unknown> = Promise.resolve();

  /** Simulations share one VM and its checkpoints, so they run one at a time. */
  simulate(input: SimulateInput): Promise<SimulationReport> {
    const run = this.queue.then(() => this.simulateNow(input));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async simulateNow(input: SimulateInput): Promise<SimulationReport> {
    const { wallet, tx } = input;
    const contracts = await this.ensureBase(wallet.version);
    await this.ensureWallet(wallet, contracts[contracts.length - 1]!);
    const ours = safeTxHash(
      { version: wallet.version, chainId: this.chainId, verifyingContract: wallet.address },
      tx,
    );
    const first = await this.execute(input, ours);
    if (first.eip712Hash === ours) return { ...first.result, contractSafeTxHash: ours, contracts };
    // The contract computed another hash, or none was seen: ask it, and when the approvals were
    // written under ours, run again with them under the contract's.
    const contractSafeTxHash = await this.contractTransactionHash(input);
    const result =
      input.signatures === undefined ? (await this.execute(input, contractSafeTxHash)).result : first.result;
    return { ...result, contractSafeTxHash, contracts };
  }

  /** The wallet contract's `getTransactionHash` for the transaction, in the simulation's state. */
  private async contractTransactionHash(input: SimulateInput): Promise<Hex> {
    const sm = this.vm.stateManager;
    const { wallet, tx } = input;
    await sm.checkpoint();
    try {
      await this.applyState(input);
      return await this.view<Hex>(wallet.address, 'getTransactionHash', [
        tx.to,
        tx.value,
        tx.data,
        tx.operation,
        tx.safeTxGas,
        tx.baseGas,
        tx.gasPrice,
        tx.gasToken,
        tx.refundReceiver,
        tx.nonce,
      ]);
    } finally {
      await sm.revert();
    }
  }

  /**
   * One traced execTransaction inside a checkpoint that is reverted afterwards. Without
   * caller-supplied signatures the threshold is met by approvals under `approvalHash`.
   */
  private async execute(
    input: SimulateInput,
    approvalHash: Hex,
  ): Promise<{ result: SimulationResult; eip712Hash: Hex | undefined }> {
    const sm = this.vm.stateManager;
    const { wallet, tx } = input;
    await sm.checkpoint();
    try {
      await this.applyState(input);

      let signatures = input.signatures;
      if (signatures === undefined) {
        const signers = [...wallet.owners]
          .sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1))
          .slice(0, wallet.threshold);
        // approvedHashes[owner][hash] = 1 (slot 8): the state an approveHash(hash) call by each owner leaves
        const put = this.putWord(wallet.address);
        for (const o of signers) {
          await put(
            mappingSlot(BigInt(approvalHash), BigInt(mappingSlot(BigInt(o), SLOT.approvedHashes))),
            1n,
          );
        }
        signatures = approvedHashSignatures(signers);
      }

      // ---- traced execution ----
      const trace: Trace = {
        wallet: wallet.address.toLowerCase(),
        writes: new Set<bigint>(),
        preimages: new Map(),
        eip712Hash: undefined,
      };
      const { writes, preimages } = trace;
      const touched = new Set<string>([trace.wallet, EXECUTOR.toString()]);
      const calledWithData = new Set<string>();
      const onMessage = (m: Message) => {
        if (m.to) touched.add(m.to.toString());
        touched.add(m.caller.toString());
        if (m.data.length > 0 && m.codeAddress) calledWithData.add(m.codeAddress.toString());
      };
      const data = encodeExecTransaction(tx, signatures);
      await sm.checkpoint();
      let result: Awaited<ReturnType<SafeSimulator['call']>>;
      this.trace.current = trace;
      this.vm.evm.events!.on('beforeMessage', onMessage);
      try {
        result = await this.call(EXECUTOR, wallet.address, data);
      } finally {
        this.trace.current = null;
        this.vm.evm.events!.off('beforeMessage', onMessage);
      }
      const w = ejs(wallet.address);
      const readSlots = async () => {
        const m = new Map<bigint, Hex>();
        for (const k of writes)
          m.set(k, pad(hex(await sm.getStorage(w, setLengthLeft(hexToBytes(slotHex(k)), 32))), { size: 32 }));
        return m;
      };
      const readBalances = async () => {
        const m = new Map<string, bigint>();
        for (const a of touched) m.set(a, (await sm.getAccount(ejs(a)))?.balance ?? 0n);
        return m;
      };
      const after = await readSlots();
      const balancesAfter = await readBalances();
      const missingCode: Address[] = [];
      for (const a of calledWithData) {
        if (BigInt(a) > PRECOMPILE_MAX && (await sm.getCode(ejs(a))).length === 0)
          missingCode.push(getAddress(a));
      }
      await sm.revert();
      const before = await readSlots();
      const balancesBefore = await readBalances();

      const walletStorageWrites: WalletStorageWrite[] = [];
      for (const k of [...writes].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
        const b = before.get(k)!;
        const a = after.get(k)!;
        if (a === b) continue;
        const c = classifyWalletSlot(k, preimages);
        walletStorageWrites.push({
          slot: slotHex(k),
          before: b,
          after: a,
          kind: c.kind,
          ...(c.key ? { key: c.key } : {}),
        });
      }
      const native: BalanceChange[] = [];
      for (const [a, v] of balancesAfter) {
        const d = v - (balancesBefore.get(a) ?? 0n);
        if (d !== 0n) native.push({ address: getAddress(a), asset: 'native', delta: d.toString() });
      }
      const logs = (result.execResult.logs ?? []).map(([address, topics, d]) => ({
        address: getAddress(hex(address)),
        topics: topics.map(hex),
        data: hex(d),
      }));
      const tokens = tokenEffects(logs);

      const executed = result.execResult.exceptionError === undefined;
      let success = false;
      let revertReason: string | undefined;
      const ret = hex(result.execResult.returnValue);
      if (executed) {
        success = decodeFunctionResult({
          abi: SAFE_ABI,
          functionName: 'execTransaction',
          data: ret,
        }) as boolean;
      } else {
        revertReason = result.execResult.exceptionError?.error;
        try {
          const e = decodeErrorResult({ abi: [], data: ret });
          revertReason = `${e.errorName}(${(e.args ?? []).join(', ')})`;
        } catch {
          // not an Error(string) payload
        }
      }
      return {
        result: {
          executed,
          success,
          ...(revertReason !== undefined ? { revertReason } : {}),
          gasUsed: result.execResult.executionGasUsed.toString(),
          effects: {
            balanceChanges: [...native, ...tokens.balanceChanges],
            approvals: tokens.approvals,
            walletStorageWrites,
          },
          missingCode,
        },
        eip712Hash: trace.eip712Hash === undefined ? undefined : pad(toHex(trace.eip712Hash), { size: 32 }),
      };
    } finally {
      await sm.revert();
    }
  }
}
