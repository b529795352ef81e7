export { verifyExport, type VerifyExportOptions, type ExportReport, type ExportFailure } from './verify.js';
export {
  openExport,
  directorySource,
  tarGzSource,
  iterableSource,
  MANIFEST_FILE,
  EVENTS_FILE,
  CHECKPOINTS_FILE,
  type ExportSource,
  type ExportFile,
} from './source.js';
export { parseManifest, EXPORT_FORMAT, type ExportManifest, type FileDigest, type ParsedManifest } from './manifest.js';
export {
  formatEventLine,
  formatCheckpointLine,
  checkpointEventData,
  formatManifest,
  CHECKPOINT_EVENT_TYPE,
  CHECKPOINT_STREAM,
} from './format.js';
export { checkEventInclusion, checkArtifactDigest, type BundleCheckFailure } from './bundle.js';
export { splitLines, MAX_EXPORT_LINE_BYTES, type ByteDigest } from '../io/lines.js';
export { tarGzEntry, listTarGz, type TarEntryInfo } from './tar.js';
export { availableCores } from './pool.js';
export { formatExportReport } from './text.js';
