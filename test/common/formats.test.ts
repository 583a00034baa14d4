// The one formats table: listing, output naming and serving all read it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  extensionOf,
  isRawExtension,
  listChoices,
  mimeTypeOf,
  MODES,
  oneOf,
  OUTPUT_EXTENSIONS,
  OUTPUT_FORMATS,
  outputFormatOfInput,
  outputFormatOfName,
  PHOTO_EXTENSIONS,
  photoTypeOf,
  RAW_EXTENSIONS,
} from '../../electron/common/formats';

test('raw extensions are recognised case-insensitively, .nrw among them', () => {
  for (const ext of RAW_EXTENSIONS) {
    assert.ok(isRawExtension(`a.${ext}`));
    assert.ok(isRawExtension(`/x/Y.${ext.toUpperCase()}`));
    assert.ok(PHOTO_EXTENSIONS.includes(ext));
  }
  assert.ok(isRawExtension('C:\\shots\\DSC_1.NRW'));
  assert.ok(!isRawExtension('a.jpg'));
  assert.ok(!isRawExtension('a.tif'));
  assert.ok(!isRawExtension('nef'));
});

test('photo types by extension; hidden names and folders with dots are not photos', () => {
  assert.equal(photoTypeOf('/p/IMG_1.JPEG'), 'jpeg');
  assert.equal(photoTypeOf('a.tiff'), 'tiff');
  assert.equal(photoTypeOf('a.webp'), 'webp');
  assert.equal(photoTypeOf('a.gif'), null);
  assert.equal(photoTypeOf('.jpg'), null);
  assert.equal(photoTypeOf('/p.jpg/readme'), null);
  assert.equal(extensionOf('/a.b/c'), '');
  assert.equal(photoTypeOf('a.constructor'), null);
});

test('output formats: by the output name, else by the input family', () => {
  assert.equal(outputFormatOfName('out.JPG'), 'jpeg');
  assert.equal(outputFormatOfName('out.tiff'), 'tiff16');
  assert.equal(outputFormatOfName('out.webp'), undefined);
  assert.equal(outputFormatOfInput('in.png'), 'png');
  assert.equal(outputFormatOfInput('in.NEF'), 'tiff16');
  assert.equal(outputFormatOfInput('in.webp'), 'tiff16');
  for (const f of OUTPUT_FORMATS) assert.equal(outputFormatOfName(`x${OUTPUT_EXTENSIONS[f]}`), f);
});

test('choices are checked and listed from the table', () => {
  assert.equal(oneOf(MODES, 'ai'), 'ai');
  assert.equal(oneOf(MODES, 'AI'), undefined);
  assert.equal(listChoices(OUTPUT_FORMATS), 'jpeg, png or tiff16');
});

test('MIME types of renderer assets and photos', () => {
  assert.equal(mimeTypeOf('index.html'), 'text/html; charset=utf-8');
  assert.equal(mimeTypeOf('a.JPG'), 'image/jpeg');
  assert.equal(mimeTypeOf('a.bin'), 'application/octet-stream');
  assert.equal(mimeTypeOf('a.toString'), 'application/octet-stream');
});
