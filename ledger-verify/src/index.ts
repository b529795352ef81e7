// ledger-verify: the normative Quality Ledger format (docs/ledger-format.md) and its verifier.

export { FormatError, type FormatErrorCode } from './errors.js';
export { canonicalize, canonicalizeRfc8785, assertIJson, serializeNumber, MAX_DEPTH } from './jcs.js';
export { parseJsonStrict } from './json-strict.js';
export { bytesToHex, hexToBytes, bytesToBase64url, base64urlToBytes, bytesToBase64, base64ToBytes } from './encoding.js';

export { ed25519, ed25519Node, ed25519Noble, checkPublicKey, type Ed25519, type KeyRejection } from './crypto/ed25519.js';
export { sha256 } from './crypto/sha.js';

export type { Actor, ActorKind, EventMeta, EventSignature, UnsealedEnvelope, EventEnvelope } from './envelope/types.js';
export { isUuidV7, isOrigin, isStreamName, isEventType, isActorId, isMetaId, isHash, isKid, isTimestamp } from './envelope/fields.js';
export { parseEnvelope, parseUnsealedEnvelope } from './envelope/parse.js';
export { hashEvent, signingPayload, EVENT_HASH_PREFIX, EVENT_SIG_PREFIX } from './envelope/hash.js';
export {
  kidOf,
  signEvent,
  sealEnvelope,
  verifyEventSignature,
  verifyEvent,
  type SigningKey,
  type VerifyEventResult,
  type VerifyEventFailure,
} from './envelope/sign.js';
export { prepareSeal, type PreparedSeal } from './envelope/prepare.js';

export {
  KEY_STREAM,
  KEY_EVENT_TYPES,
  POP_PREFIX,
  popStatement,
  genesisData,
  rotationData,
  revocationData,
  parseGenesisData,
  parseRotatedData,
  parseRevokedData,
  type SigningKeyGenesisData,
  type SigningKeyRotatedData,
  type SigningKeyRevokedData,
  type RotationInput,
  type RevocationInput,
} from './keys/data.js';
export {
  KeyChain,
  KeyChainError,
  type KeyChainErrorCode,
  type KeyChainOptions,
  type KeyInfo,
  type KeyRevocation,
  type SignerCheck,
  type SignerFailure,
} from './keys/keychain.js';

export { verifyLedger, InputError, type InputErrorCode, type LineSource, type VerifyLedgerOptions } from './verify/ledger.js';
export { ndjsonFileSource, MAX_LINE_BYTES } from './verify/ndjson-file.js';
export { formatReport } from './verify/text.js';
export type {
  LedgerReport,
  LedgerFailure,
  LedgerFailureCode,
  EnvelopeFailureCode,
  StreamFailureCode,
  ExportFailureCode,
  KeySummary,
  Rule,
  Where,
} from './verify/report.js';

export {
  HASH_SIZE,
  leafHash,
  nodeHash,
  emptyRoot,
  merkleRoot,
  CompactTree,
  inclusionProof,
  consistencyProof,
  inclusionProofAsync,
  consistencyProofAsync,
  inclusionProofRanges,
  consistencyProofRanges,
  leafArrayHashAt,
  verifyInclusion,
  verifyConsistency,
  rootFromInclusionProof,
  type HashAt,
  type HashAtAsync,
  type NodeId,
  type ProofRange,
} from './merkle/index.js';
export {
  NOTE_ALG_ED25519,
  MAX_NOTE_BYTES,
  isValidKeyName,
  noteKeyId,
  noteVerifierKey,
  parseNoteVerifierKey,
  toNoteVerifierKey,
  noteSignatureLine,
  noteSigningMessage,
  formatSignedNote,
  signNote,
  openNote,
  verifyNote,
  formatCheckpoint,
  parseCheckpoint,
  verifyCheckpointNote,
  type NoteSignature,
  type OpenedNote,
  type NoteSigner,
  type NoteVerifierKey,
  type NoteVerifyFailure,
  type NoteVerifyResult,
  type Checkpoint,
  type CheckpointInput,
  type CheckpointVerifyFailure,
  type CheckpointVerifyResult,
  type VerifyCheckpointOptions,
} from './note/index.js';
export {
  verifyExport,
  formatExportReport,
  openExport,
  directorySource,
  tarGzSource,
  iterableSource,
  parseManifest,
  formatEventLine,
  formatCheckpointLine,
  checkpointEventData,
  formatManifest,
  checkEventInclusion,
  checkArtifactDigest,
  splitLines,
  tarGzEntry,
  listTarGz,
  availableCores,
  MANIFEST_FILE,
  EVENTS_FILE,
  CHECKPOINTS_FILE,
  EXPORT_FORMAT,
  CHECKPOINT_EVENT_TYPE,
  CHECKPOINT_STREAM,
  MAX_EXPORT_LINE_BYTES,
  type VerifyExportOptions,
  type ExportReport,
  type ExportFailure,
  type ExportSource,
  type ExportFile,
  type ExportManifest,
  type FileDigest,
  type ParsedManifest,
  type BundleCheckFailure,
  type ByteDigest,
  type TarEntryInfo,
} from './export/index.js';
export { parseEnvelopeForHashing } from './envelope/parse.js';
