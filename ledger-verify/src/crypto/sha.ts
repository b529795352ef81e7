import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8 } from '../encoding.js';
import { nodeCrypto } from './platform.js';

const node = nodeCrypto;
// crypto.hash (one-shot, no Hash object) exists from Node 20.12; createHash before that.
const oneShot = typeof node?.hash === 'function' ? node.hash : undefined;

function view(buf: Uint8Array): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** SHA-256 of bytes. */
export function sha256(data: Uint8Array): Uint8Array {
  if (oneShot) return view(oneShot('sha256', data, 'buffer'));
  if (node) return view(node.createHash('sha256').update(data).digest());
  return nobleSha256(data);
}

/** Lowercase hex SHA-256 of the UTF-8 encoding of a (well-formed) string. */
export function sha256HexOfText(text: string): string {
  if (oneShot) return oneShot('sha256', text, 'hex');
  if (node) return node.createHash('sha256').update(text, 'utf8').digest('hex');
  return bytesToHex(nobleSha256(utf8(text)));
}
