/**
 * The signing request a coordinator sends to every signer node. It carries RAW data, never a
 * conclusion the node would have to trust: the payload to sign (a plain message, a Safe
 * transaction with the wallet facts and simulation result its custody analysis used, or an
 * unsigned Bitcoin PSBT with its prevouts), the digest the approvers approved, their approvals,
 * and the policy version the request was judged under. `authorizeSigning` recomputes the message
 * and the digest from the payload and checks everything else.
 *
 * JSON throughout (bytes as base64, integers as decimal strings), validated with zod.
 */
import { z } from 'zod';
import { InvalidInputError } from '../../core/index.ts';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lower-case hex characters');
const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected standard base64');
const b64url = z.string().regex(/^[A-Za-z0-9_-]+$/, 'expected base64url without padding');
const principal = z.string().regex(/^[A-Za-z0-9_.:@-]{1,128}$/, 'expected a principal id');
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'expected an address');
const hexData = z.string().regex(/^0x([0-9a-fA-F]{2})*$/, 'expected 0x hex');
const decimal = z.string().regex(/^-?[0-9]{1,80}$/, 'expected a decimal integer string');

/** An Ed25519 approval: custody's `signApproval` over {action, digest, requestId}. */
const ed25519Approval = z.strictObject({
  type: z.literal('ed25519'),
  approver: principal,
  /** the digest this approval covers (checked against the recomputed one) */
  digest: hex64,
  signature: b64,
});

/**
 * A passkey approval: a WebAuthn assertion whose challenge is SHA-256 of the same canonical
 * approval message (WebAuthn L3 §7.2: the signature covers authenticatorData ‖ SHA-256(clientDataJSON)).
 */
const passkeyApproval = z.strictObject({
  type: z.literal('passkey'),
  approver: principal,
  digest: hex64,
  credentialId: b64url,
  authenticatorData: b64url,
  clientDataJSON: b64url,
  signature: b64url,
});

export const approvalSchema = z.discriminatedUnion('type', [ed25519Approval, passkeyApproval]);
export type SigningApproval = z.infer<typeof approvalSchema>;

/** custody's SimulationResult (evm/simulate/types.ts), as JSON. */
const simulationSchema = z.strictObject({
  executed: z.boolean(),
  success: z.boolean(),
  revertReason: z.string().max(10_000).optional(),
  gasUsed: decimal,
  effects: z.strictObject({
    balanceChanges: z.array(
      z.strictObject({
        address,
        asset: z.union([z.literal('native'), address]),
        delta: decimal,
        tokenId: decimal.optional(),
      }),
    ),
    approvals: z.array(
      z.strictObject({
        token: address,
        owner: address,
        spender: address,
        amount: z.string().max(100),
        standard: z.enum(['erc20', 'erc721', 'erc721/erc1155-operator']),
      }),
    ),
    walletStorageWrites: z.array(
      z.strictObject({
        slot: hexData,
        before: hexData,
        after: hexData,
        kind: z.enum([
          'implementation',
          'owners',
          'owner_count',
          'threshold',
          'modules',
          'guard',
          'fallback_handler',
          'nonce',
          'approved_hashes',
          'signed_messages',
          'domain_separator',
          'unknown',
        ]),
        key: hexData.optional(),
      }),
    ),
  }),
  missingCode: z.array(address),
  contractSafeTxHash: hexData.optional(),
});

export const payloadSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('message'),
    /** the exact bytes to sign, base64 (at most 64 KiB) */
    message: b64.max(87_384),
  }),
  z.strictObject({
    kind: z.literal('safe'),
    /** the wallet registration the analysis used (custody parseWalletConfig input) */
    wallet: z.record(z.string(), z.unknown()),
    /** the raw Safe transaction record (custody parseSafeTxRecord input) */
    transaction: z.record(z.string(), z.unknown()),
    /** the simulation result the analysis used, or null when not simulated */
    simulation: simulationSchema.nullable(),
    /** earlier allowed transfers of this wallet for velocity rules (reported by the coordinator) */
    history: z
      .array(
        z.strictObject({
          at: z.iso.datetime(),
          asset: z.string().max(64),
          amount: z.string().regex(/^[0-9]{1,80}$/),
        }),
      )
      .max(10_000)
      .optional(),
  }),
  z.strictObject({
    kind: z.literal('bitcoin'),
    network: z.enum(['mainnet', 'testnet', 'regtest']),
    /** the unsigned PSBT (BIP174), base64, every input with its witnessUtxo */
    psbt: b64.max(1_400_000),
    /** which input this signature is for (one FROST signature per input) */
    input: z.number().int().min(0).max(10_000),
  }),
]);
export type SigningPayload = z.infer<typeof payloadSchema>;

export const signingRequestSchema = z.strictObject({
  /** the custody request id the approvals name */
  requestId: z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'expected a request id'),
  /** the policy version (custody policy digest) the request was judged under */
  policyVersion: hex64,
  /** the digest the approvers approved */
  digest: hex64,
  payload: payloadSchema,
  approvals: z.array(approvalSchema).max(64),
});
export type SigningRequest = z.infer<typeof signingRequestSchema>;

export function parseSigningRequest(input: unknown): SigningRequest {
  const r = signingRequestSchema.safeParse(input);
  if (!r.success) {
    const issues = r.error.issues.slice(0, 20).map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new InvalidInputError(
      'SIGNING_REQUEST_INVALID',
      `the signing request is invalid: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`,
      { issues },
    );
  }
  return r.data;
}
