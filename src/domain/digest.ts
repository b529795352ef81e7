import { bytesToHex, canonicalize, FormatError, sha256 } from 'ledger-verify';
import { ValidationError } from './errors.js';

const encoder = new TextEncoder();

/**
 * `sha256:<64 hex>` of the RFC 8785 canonical JSON of a value: the content digest of
 * blueprints, policies and policy inputs. Pure and deterministic (decision 0025).
 */
export function contentDigest(value: unknown, what = 'value'): string {
  let text: string;
  try {
    text = canonicalize(value);
  } catch (e) {
    if (e instanceof FormatError) {
      throw new ValidationError('NOT_CANONICAL_JSON', `${what} is not I-JSON: ${e.message}`, [{ path: e.path, message: e.message }]);
    }
    throw e;
  }
  return `sha256:${bytesToHex(sha256(encoder.encode(text)))}`;
}

export const DIGEST = /^sha256:[0-9a-f]{64}$/;
