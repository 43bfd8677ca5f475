/**
 * Small files that are, all the way through, what they say (the upload checks walk their
 * structure): a PNG with real chunk CRCs, a JPEG from SOI through a scan to EOI, a HEIC photo's
 * boxes, a plain PDF. `size` pads each with content its format allows, to exercise size limits.
 */

import { pngChunk } from '../../server/demo/receipt-image';

export function pngFile(size = 100): Buffer {
  const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);
  const idat = Buffer.from('789c626001000000ffff03000006000557bfabd4', 'hex');
  const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IDAT', idat)];
  const used = parts.reduce((sum, part) => sum + part.length, 0) + 12;
  if (size > used + 12) parts.push(pngChunk('tEXt', Buffer.alloc(size - used - 12, 0x61)));
  parts.push(pngChunk('IEND', Buffer.alloc(0)));
  return Buffer.concat(parts);
}

export function jpegFile(size = 100): Buffer {
  const app0 = Buffer.from('ffe000104a46494600010100000100010000', 'hex');
  const scanHeader = Buffer.from('ffda0008010100003f00', 'hex');
  const fixed = 2 + app0.length + scanHeader.length + 2;
  const scan = Buffer.alloc(Math.max(4, size - fixed), 0x12);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, scanHeader, scan, Buffer.from([0xff, 0xd9])]);
}

export function pdfFile(size = 60, body = '1 0 obj << /Type /Catalog >> endobj'): Buffer {
  const head = `%PDF-1.4\n${body}\n`;
  const tail = 'trailer << /Root 1 0 R >>\n%%EOF\n';
  const padding = Math.max(0, size - head.length - tail.length);
  return Buffer.from(`${head}${padding > 1 ? `%${'x'.repeat(padding - 2)}\n` : ''}${tail}`, 'latin1');
}

function box(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + data.length, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, data]);
}

export function heicFile(size = 100): Buffer {
  const ftyp = box('ftyp', Buffer.from('heic\0\0\0\0mif1heic', 'latin1'));
  const meta = box('meta', Buffer.alloc(4));
  const used = ftyp.length + meta.length + 8;
  return Buffer.concat([ftyp, meta, box('mdat', Buffer.alloc(Math.max(0, size - used), 0x42))]);
}
