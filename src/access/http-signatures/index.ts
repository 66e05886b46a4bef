/** RFC 9421 HTTP Message Signatures for service-to-service requests (Ed25519, RFC 9530 digests). */
export {
  checkContentDigest,
  contentDigest,
  type DigestAlgorithm,
  type DigestCheck,
} from './content-digest.ts';
export { ed25519PublicKey, ed25519Verifier, setVerifyWorkerSpin } from './ed25519.ts';
export {
  isSignatureRefusal,
  SIGNATURE_REFUSAL_CODES,
  SignatureRefusal,
  type SignatureRefusalCode,
} from './errors.ts';
export type { HeaderInput, HttpRequest } from './message.ts';
export { MemoryNonceStore, type NonceStore } from './nonce-store.ts';
export { DEFAULT_REQUIRED_COMPONENTS } from './policy.ts';
export {
  newNonce,
  type SignatureHeaders,
  type SignMessageOptions,
  type SignRequestOptions,
  signMessage,
  signRequest,
} from './sign.ts';
export {
  prepareServiceKey,
  type ServiceKey,
  type VerifiedService,
  type VerifyRequestOptions,
  verifyRequest,
} from './verify.ts';
