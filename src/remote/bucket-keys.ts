const text = new TextEncoder();
const bytes = new TextDecoder();

// Bucket keys allow [-/_=.a-zA-Z0-9]: any other byte of a name's UTF-8 is
// written `=XX`, and the empty name is `=`.
const PLAIN = /^[-_a-zA-Z0-9]$/;
// A name of plain characters only is its own key (most names are), and such a key its own name:
// one test of the whole string instead of one a character, and no bytes to decode.
const ALL_PLAIN = /^[-_a-zA-Z0-9]+$/;

/** @internal */
export function encodeKey(name: string): string {
  if (name === '') return '=';
  if (ALL_PLAIN.test(name)) return name;
  let key = '';
  for (const char of name) {
    if (PLAIN.test(char)) key += char;
    else for (const byte of text.encode(char)) key += `=${byte.toString(16).padStart(2, '0')}`;
  }
  return key;
}

/**
 * @internal `undefined` for a key this registry did not write: one that is not `encodeKey`'s
 * output for the name it spells (`=41` for `A`, bytes that are not UTF-8), which would
 * otherwise give a second key for one name.
 */
export function decodeKey(key: string): string | undefined {
  if (key === '=') return '';
  if (ALL_PLAIN.test(key)) return key;
  if (!/^(?:[-_a-zA-Z0-9]|=[0-9a-f]{2})+$/.test(key)) return undefined;
  const out: number[] = [];
  for (let i = 0; i < key.length;) {
    if (key[i] === '=') {
      out.push(parseInt(key.slice(i + 1, i + 3), 16));
      i += 3;
    } else {
      out.push(key.charCodeAt(i));
      i += 1;
    }
  }
  const name = bytes.decode(new Uint8Array(out));
  return encodeKey(name) === key ? name : undefined;
}
