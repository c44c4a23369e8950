// Names and bucket keys (docs/design.md, "Remote › The cluster registry"): any name has one
// key, and a key from the watch that this registry would not write is no name at all.
import fc from 'fast-check';
import { decodeKey, encodeKey } from '../../src/remote/bucket-keys.js';
import { propertySettings } from '../property/settings.js';

const KEY = /^(?:=|(?:[-_a-zA-Z0-9]|=[0-9a-f]{2})+)$/;

test('every name of whole characters round-trips through its key, which the bucket allows', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme' }), (name) => {
      const key = encodeKey(name);
      expect(key).toMatch(KEY);
      expect(decodeKey(key)).toBe(name);
    }),
    propertySettings(53),
  );
});

test('a name of plain characters is its own key', () => {
  fc.assert(
    fc.property(fc.stringMatching(/^[-_a-zA-Z0-9]+$/), (name) => {
      expect(encodeKey(name)).toBe(name);
      expect(decodeKey(name)).toBe(name);
    }),
    propertySettings(54),
  );
});

test('a key it would not write decodes to nothing, and decoding never throws', () => {
  const keyish = fc.oneof(fc.string(), fc.stringMatching(/^(?:[-_a-zA-Z0-9]|=[0-9a-fA-F]{1,3})+$/));
  fc.assert(
    fc.property(keyish, (key) => {
      const name = decodeKey(key);
      if (name !== undefined) expect(encodeKey(name)).toBe(key);
    }),
    propertySettings(55),
  );
});

test('a second spelling of a name, or bytes that are not UTF-8, is refused', () => {
  expect(decodeKey('=41')).toBeUndefined();
  expect(decodeKey('a=2e')).toBe('a.');
  expect(decodeKey('=2E')).toBeUndefined();
  expect(decodeKey('=ff')).toBeUndefined();
  expect(decodeKey('=c3')).toBeUndefined();
  expect(decodeKey('=')).toBe('');
});
