import { MAX_JSON_DEPTH, parseStrictJson } from './json-body';

const parse = (text: string): unknown => parseStrictJson(Buffer.from(text));
const codeOf = (text: string | Buffer): string | undefined => {
  try {
    parseStrictJson(typeof text === 'string' ? Buffer.from(text) : text);
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
};

describe('parseStrictJson', () => {
  it('parses what JSON.parse parses when it is an object or an array', () => {
    expect(parse(' {"a":[1,{"b":"x"}],"c":null} ')).toEqual({ a: [1, { b: 'x' }], c: null });
    expect(parse('[{"a":1},{"a":2}]')).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('tells keys from values, and keys of one object from those of another', () => {
    expect(parse('{"a":"a","b":{"a":1},"c":[{"a":1,"b":2}]}')).toEqual({
      a: 'a',
      b: { a: 1 },
      c: [{ a: 1, b: 2 }],
    });
    expect(parse('{"a":"}{\\"a\\":1,","b":"]["}')).toEqual({ a: '}{"a":1,', b: '][' });
  });

  it.each([['{"a":1,"a":2}'], ['{"a":[1,2],"a":3}'], ['{"x":{"a":1,"b":2,"a":3}}'], ['{"a":1,"\\u0061":2}']])(
    'refuses a key given twice in one object: %s',
    (text) => {
      expect(codeOf(text)).toBe('DUPLICATE_JSON_KEY');
    },
  );

  it('takes MAX_JSON_DEPTH levels and refuses one more, however deep it goes', () => {
    expect(codeOf('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH))).toBeUndefined();
    expect(codeOf('['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1))).toBe('JSON_TOO_DEEP');
    expect(codeOf('{"a":'.repeat(100_000))).toBe('JSON_TOO_DEEP');
  });

  it.each([
    ['a scalar', '"text"', 'BAD_REQUEST'],
    ['nothing', '  ', 'BAD_REQUEST'],
    ['broken JSON', '{"a":', 'BAD_REQUEST'],
    ['a lone surrogate byte sequence', Buffer.from([0x7b, 0xed, 0xa0, 0x80, 0x7d]), 'INVALID_UTF8'],
    ['a truncated sequence', Buffer.from([0x7b, 0xc3]), 'INVALID_UTF8'],
  ])('refuses %s', (_, body, code) => {
    expect(codeOf(body)).toBe(code);
  });
});
