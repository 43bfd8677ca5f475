import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { inspectFile } from '../../server/domain/file-structure';
import { safeFileName } from '../../server/routers/billing/uploads';
import { heicFile, jpegFile, pdfFile, pngFile } from '../support/files';

const files = suite('domain: uploads are what their first bytes say, all the way through');

const problemOf = (bytes: Uint8Array): string | null => {
  const inspection = inspectFile(bytes);
  return inspection.kind === null ? inspection.problem : null;
};

files('well-formed files of every accepted kind pass, at any size', () => {
  for (const size of [0, 100, 5000]) {
    assert.equal(inspectFile(jpegFile(size)), { kind: 'jpeg' });
    assert.equal(inspectFile(pngFile(size)), { kind: 'png' });
    assert.equal(inspectFile(heicFile(size)), { kind: 'heic' });
    assert.equal(inspectFile(pdfFile(size)), { kind: 'pdf' });
  }
});

files('bytes after the end marker are refused (a polyglot: an image with a payload behind it)', () => {
  const tail = Buffer.from('<?php system($_GET[1]); ?>');
  assert.match(problemOf(Buffer.concat([jpegFile(), tail])) ?? '', /JPEG/);
  assert.match(problemOf(Buffer.concat([pngFile(), tail])) ?? '', /after IEND/);
  assert.match(problemOf(Buffer.concat([heicFile(), Buffer.from([0, 0, 0])])) ?? '', /HEIC/);
  assert.match(problemOf(Buffer.concat([pdfFile(), Buffer.alloc(2000, 0x41)])) ?? '', /%%EOF/);
});

files('structures that do not parse are refused: cut files, lying lengths, bad CRCs, wrong first chunk', () => {
  const jpeg = jpegFile(200);
  assert.ok(problemOf(jpeg.subarray(0, jpeg.length - 2)), 'a JPEG without its end marker');
  assert.ok(problemOf(Buffer.from([0xff, 0xd8, 0xff, 0xd9])), 'a JPEG without image data');
  const lying = Buffer.from(jpeg);
  lying.writeUInt16BE(0xfff0, 4); // APP0 claims 65 kB
  assert.match(problemOf(lying) ?? '', /past the end/);
  const png = pngFile(200);
  const badCrc = Buffer.from(png);
  badCrc[30] = (badCrc[30]! + 1) % 256; // inside IHDR's CRC
  assert.match(problemOf(badCrc) ?? '', /CRC/);
  assert.ok(problemOf(png.subarray(0, png.length - 12)), 'a PNG without IEND');
  const noMeta = Buffer.from(heicFile(100));
  noMeta.write('free', 28, 'latin1'); // the meta box renamed
  assert.match(problemOf(noMeta) ?? '', /meta/);
  const otherBrand = Buffer.from(heicFile(100));
  otherBrand.write('isom', 8, 'latin1');
  otherBrand.write('isomiso2', 16, 'latin1');
  assert.match(problemOf(otherBrand) ?? '', /brand/, 'an MP4 is not a photo');
});

files('PDFs with scripts, launch actions or embedded files are refused, even with #-escaped names', () => {
  const open = (action: string) => pdfFile(200, `1 0 obj << /Type /Catalog /OpenAction ${action} >> endobj`);
  assert.match(problemOf(open('<< /S /JavaScript /JS (app.alert(1)) >>')) ?? '', /JavaScript/);
  assert.match(problemOf(open('<< /S /Launch /F (cmd.exe) >>')) ?? '', /Launch/);
  assert.match(problemOf(open('<< /S /J#61vaScript /J#53 (x) >>')) ?? '', /JavaScript|JS/);
  assert.match(problemOf(pdfFile(200, '<< /Names << /EmbeddedFiles 2 0 R >> >>')) ?? '', /EmbeddedFiles/);
  assert.is(problemOf(pdfFile(200, '<< /Title (JavaScript tutorial) /JSON 1 >>')), null, 'the word in text, or a longer name, is fine');
});

files('file names reaching WispHub: base name only, safe characters, the real extension', () => {
  assert.is(safeFileName('recibo.png', 'comprobante-1', 'png'), 'recibo.png');
  assert.is(safeFileName('../../etc/passwd', 'comprobante-1', 'pdf'), 'passwd.pdf');
  assert.is(safeFileName('C:\\Users\\ana\\Pago Nequi.jpg', 'comprobante-1', 'jpg'), 'Pago_Nequi.jpg');
  assert.is(safeFileName('factura.exe', 'adjunto-2', 'pdf'), 'factura.pdf', 'the bytes decide the extension');
  assert.is(safeFileName('comprobante de pagó.heic', 'x', 'heic'), 'comprobante_de_pago.heic');
  assert.is(safeFileName('...', 'adjunto-2', 'png'), 'adjunto-2.png');
  assert.is(safeFileName(undefined, 'adjunto-2', 'png'), 'adjunto-2.png');
  assert.is(safeFileName('<script>\u0000\n.png', 'adjunto-2', 'png'), 'script.png');
  assert.ok(safeFileName('a'.repeat(500), 'x', 'jpg').length <= 80);
});

files.run();
