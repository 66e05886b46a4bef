/**
 * C2SP signed notes (c2sp.org/signed-note), checkpoints (c2sp.org/tlog-checkpoint) and Ed25519
 * v1 cosignatures (c2sp.org/tlog-cosignature) for the audit log. Pure; runs in the browser too.
 */
export {
  type Checkpoint,
  formatCheckpoint,
  parseCheckpoint,
  parseDecimal,
  ROOT_HASH_BYTES,
} from './checkpoint.ts';
export { cosignatureTimestamp, cosignCheckpoint, verifyCosignature } from './cosignature.ts';
export {
  COSIGNATURE_V1_HEADER,
  cosignatureMessage,
  TIMESTAMPED_SIGNATURE_BYTES,
} from './cosignature-message.ts';
export {
  type Cosigner,
  type CosignerVerifier,
  cosignerVerifierKeyFor,
  generateCosignerKey,
  parseCosignerKey,
  parseCosignerVerifierKey,
} from './cosigner-keys.ts';
export {
  type Ed25519NoteSigner,
  type Ed25519NoteVerifier,
  generateSignerKey,
  type NoteSigner,
  type NoteVerifier,
  parseSignerKey,
  parseVerifierKey,
  verifierKeyFor,
} from './keys.ts';
export {
  formatSignatureLine,
  MAX_NOTE_SIGNATURES,
  type NoteSignature,
  type OpenedNote,
  type OpenedSignature,
  openNote,
  type ParsedNote,
  parseNote,
  parseSignatureLine,
  SIGNATURE_PREFIX,
  signNote,
} from './signed-note.ts';
export {
  computeKeyId,
  type DecodedKey,
  decodeSignerKey,
  decodeVerifierKey,
  encodeSignerKey,
  encodeVerifierKey,
  formatKeyId,
  isValidKeyName,
  SIG_TYPE_COSIGNATURE_V1,
  SIG_TYPE_ED25519,
} from './vkey.ts';
