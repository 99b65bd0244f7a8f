import type { FastifyInstance } from 'fastify';
import { Problem } from '../problems/problem';

/** Deeper than any request body the API defines; far below what the validation pipe's recursion survives. */
export const MAX_JSON_DEPTH = 32;
/** The largest request body: a care-plan change or a note is a few kilobytes. */
export const MAX_BODY_BYTES = 100 * 1024;

const badBody = (code: string, detail: string): Problem =>
  new Problem(400, code, 'The request body is not valid', detail);

const unsupportedMediaType = (): Problem =>
  new Problem(
    415,
    'UNSUPPORTED_MEDIA_TYPE',
    'Unsupported media type',
    'Send the request body as application/json (UTF-8).',
    undefined,
    { 'Accept-Post': 'application/json' },
  );

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Reads every request body as strict JSON before anything else sees it
 * (docs/architecture.md#http-edge): JSON only (415 otherwise), well-formed
 * UTF-8, an object or an array at the top, at most MAX_JSON_DEPTH levels,
 * no key twice in one object, at most MAX_BODY_BYTES. Anything else is the
 * client's 4xx here, rather than a stack overflow or an ambiguous value later.
 * It replaces every parser Fastify has: one parser for every content type,
 * which refuses all but JSON.
 */
export function readStrictJsonBodies(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_BODY_BYTES }, (request, body, done) => {
    if (!isJson(request.headers['content-type'])) return done(unsupportedMediaType());
    const bytes = body as Buffer;
    // An empty body is no body: the route's validation names what is missing.
    if (bytes.length === 0) return done(null, undefined);
    try {
      done(null, parseStrictJson(bytes));
    } catch (problem) {
      done(problem as Error);
    }
  });
}

function isJson(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const [type = '', ...parameters] = contentType.toLowerCase().split(';');
  const mediaType = type.trim();
  if (mediaType !== 'application/json' && !/^application\/[a-z0-9.+-]+\+json$/.test(mediaType)) return false;
  const charset = parameters.map((p) => p.trim()).find((p) => p.startsWith('charset='));
  return charset === undefined || charset.replace(/"/g, '') === 'charset=utf-8';
}

/** Decodes, checks depth and duplicate keys, then parses: a client's 400 for each way a body can be wrong. */
export function parseStrictJson(bytes: Buffer): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw badBody('INVALID_UTF8', 'The request body is not well-formed UTF-8.');
  }
  const start = /\S/.exec(text);
  if (!start || (start[0] !== '{' && start[0] !== '[')) {
    throw badBody('BAD_REQUEST', 'The request body must be a JSON object or array.');
  }
  scanStructure(text);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badBody('BAD_REQUEST', `The request body is not valid JSON: ${(error as Error).message}`);
  }
}

interface Frame {
  readonly keys: Set<string> | undefined;
  expectKey: boolean;
}

/**
 * Walks the text once, without recursion, counting nesting and collecting each
 * object's keys. Syntax errors are left to JSON.parse.
 */
function scanStructure(text: string): void {
  const stack: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') {
      const end = endOfString(text, i);
      const top = stack[stack.length - 1];
      if (top?.keys && top.expectKey) {
        const key = decodeKey(text.slice(i, end + 1));
        if (top.keys.has(key)) {
          throw badBody('DUPLICATE_JSON_KEY', `The key "${key.slice(0, 64)}" appears twice in one object.`);
        }
        top.keys.add(key);
        top.expectKey = false;
      }
      i = end;
    } else if (char === '{' || char === '[') {
      if (stack.length >= MAX_JSON_DEPTH) {
        throw badBody('JSON_TOO_DEEP', `The request body nests deeper than ${MAX_JSON_DEPTH} levels.`);
      }
      stack.push({ keys: char === '{' ? new Set() : undefined, expectKey: char === '{' });
    } else if (char === '}' || char === ']') {
      stack.pop();
    } else if (char === ',') {
      const top = stack[stack.length - 1];
      if (top?.keys) top.expectKey = true;
    }
  }
}

function endOfString(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return text.length;
}

function decodeKey(literal: string): string {
  try {
    return JSON.parse(literal) as string;
  } catch {
    throw badBody('BAD_REQUEST', 'The request body is not valid JSON: a key is not a valid string.');
  }
}
