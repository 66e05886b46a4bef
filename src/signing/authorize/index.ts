/**
 * What a signer node checks before it contributes a signature share: the signing request type,
 * the recomputation of the message and digest from raw data, approver enrollment, approvals
 * (Ed25519 and passkeys), quorum under the node's current policy, and the replay question.
 * Pure logic (the replay check is an interface the node implements with its store).
 */
export * from './approvals.ts';
export * from './approvers.ts';
export * from './authorize.ts';
export * from './build-request.ts';
export * from './cose-key.ts';
export * from './ed25519-verify.ts';
export * from './errors.ts';
export * from './node-authorizer.ts';
export * from './payload.ts';
export * from './quorum.ts';
export * from './replay.ts';
export * from './request.ts';
export * from './webauthn.ts';
