/**
 * Whether a file is, all the way through, what its first bytes say: a JPEG walked marker by
 * marker to its end marker, a PNG chunk by chunk (lengths and CRCs) to IEND, a HEIC photo box by
 * box, a PDF to its %%EOF without script or launch actions. Bytes after the end marker, a
 * structure that does not parse, or active PDF content: refused. Pure; no decoding of pixels.
 */

export type FileKind = 'jpeg' | 'png' | 'pdf' | 'heic';

export type FileInspection = { kind: FileKind } | { kind: null; problem: string };

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1']);

const refuse = (problem: string): FileInspection => ({ kind: null, problem });

export function inspectFile(bytes: Uint8Array): FileInspection {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return checked('jpeg', jpegProblem(bytes));
  if (bytes.length >= 8 && PNG_SIGNATURE.every((byte, index) => bytes[index] === byte)) return checked('png', pngProblem(bytes));
  if (bytes.length >= 5 && latin1(bytes, 0, 5) === '%PDF-') return checked('pdf', pdfProblem(bytes));
  if (bytes.length >= 12 && latin1(bytes, 4, 8) === 'ftyp') return checked('heic', heifProblem(bytes));
  return refuse('not a JPEG, PNG, HEIC or PDF file');
}

function checked(kind: FileKind, problem: string | null): FileInspection {
  return problem === null ? { kind } : refuse(problem);
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, Math.max(0, Math.min(end, bytes.length) - start)).toString('latin1');
}

const u16 = (bytes: Uint8Array, at: number): number => (bytes[at]! << 8) | bytes[at + 1]!;
const u32 = (bytes: Uint8Array, at: number): number =>
  ((bytes[at]! << 24) >>> 0) + ((bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!);

/** Markers from SOI to EOI: segments by their lengths, entropy-coded data to the next real marker. */
function jpegProblem(bytes: Uint8Array): string | null {
  let at = 2;
  let sawScan = false;
  while (at < bytes.length) {
    if (bytes[at] !== 0xff) return 'JPEG: a segment does not start with a marker';
    while (bytes[at + 1] === 0xff) at++; // fill bytes
    const marker = bytes[at + 1];
    if (marker === undefined) return 'JPEG: cut inside a marker';
    if (marker === 0xd9) {
      if (!sawScan) return 'JPEG: no image data before the end marker';
      return at + 2 === bytes.length ? null : 'JPEG: bytes after the end marker';
    }
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += 2;
      continue;
    }
    if (at + 4 > bytes.length) return 'JPEG: cut inside a segment header';
    const length = u16(bytes, at + 2);
    if (length < 2) return 'JPEG: a segment length below 2';
    at += 2 + length;
    if (at > bytes.length) return 'JPEG: a segment runs past the end';
    if (marker === 0xda) {
      sawScan = true;
      // Entropy-coded data: FF 00 is a stuffed byte and FF D0-D7 restart markers; any other FF xx is the next marker.
      while (at < bytes.length) {
        if (bytes[at] === 0xff) {
          const next = bytes[at + 1];
          if (next === undefined) return 'JPEG: cut inside the image data';
          if (next !== 0x00 && !(next >= 0xd0 && next <= 0xd7) && next !== 0xff) break;
        }
        at++;
      }
    }
  }
  return 'JPEG: no end marker';
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array, start: number, end: number): number {
  let crc = 0xffffffff;
  for (let i = start; i < end; i++) crc = CRC_TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** Chunks from IHDR to IEND, each length in bounds and each CRC right; nothing after IEND. */
function pngProblem(bytes: Uint8Array): string | null {
  let at = 8;
  let first = true;
  while (at + 12 <= bytes.length) {
    const length = u32(bytes, at);
    const type = latin1(bytes, at + 4, at + 8);
    const end = at + 12 + length;
    if (end > bytes.length) return 'PNG: a chunk runs past the end';
    if (first && type !== 'IHDR') return 'PNG: the first chunk is not IHDR';
    first = false;
    if (crc32(bytes, at + 4, at + 8 + length) !== u32(bytes, at + 8 + length)) return `PNG: the ${type} chunk fails its CRC`;
    if (type === 'IEND') return end === bytes.length ? null : 'PNG: bytes after IEND';
    at = end;
  }
  return 'PNG: no IEND chunk';
}

/** ISO base media boxes tiling the file exactly, a HEIF brand in ftyp, and a meta box. */
function heifProblem(bytes: Uint8Array): string | null {
  const brand = latin1(bytes, 8, 12);
  const compatible = latin1(bytes, 16, Math.min(u32(bytes, 0), bytes.length));
  const brands = [brand, ...(compatible.match(/.{4}/gs) ?? [])];
  if (!brands.some((candidate) => HEIF_BRANDS.has(candidate))) return 'HEIC: not a HEIF brand';
  let at = 0;
  let sawMeta = false;
  while (at < bytes.length) {
    if (at + 8 > bytes.length) return 'HEIC: cut inside a box header';
    let size = u32(bytes, at);
    const type = latin1(bytes, at + 4, at + 8);
    if (size === 1) {
      if (at + 16 > bytes.length) return 'HEIC: cut inside a box header';
      const high = u32(bytes, at + 8);
      if (high !== 0) return 'HEIC: a box larger than 4 GB';
      size = u32(bytes, at + 12);
    } else if (size === 0) size = bytes.length - at;
    if (size < 8) return 'HEIC: a box smaller than its header';
    if (type === 'meta') sawMeta = true;
    at += size;
  }
  if (at !== bytes.length) return 'HEIC: a box runs past the end';
  return sawMeta ? null : 'HEIC: no meta box';
}

/** PDF actions that run something when the file is opened or clicked (names may be #-escaped). */
const ACTIVE_PDF = /\/(JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|SubmitForm|ImportData|XFA)(?=[\s/<>[\](){}%]|$)/;

function pdfProblem(bytes: Uint8Array): string | null {
  if (!/^%PDF-[12]\.\d/.test(latin1(bytes, 0, 8))) return 'PDF: not a PDF version header';
  const text = latin1(bytes, 0, bytes.length);
  if (!/%%EOF\s*$/.test(text.slice(-1024))) return 'PDF: no %%EOF at the end';
  const names = text.replace(/#([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  const active = ACTIVE_PDF.exec(names);
  return active ? `PDF: holds ${active[1]} (scripts, launch actions and embedded files are refused)` : null;
}
