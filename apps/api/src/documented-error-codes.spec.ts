import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ArgumentsHost } from '@nestjs/common';
import type { FastifyReply as Response } from 'fastify';
import type { ApiRequest as Request } from './http/request';
import { domainErrors, type DomainError } from '@caretrail/domain';
import { ProblemDetailsFilter } from './http/problems/problem-details.filter';

/** The rules table of docs/domain.md: class, code, kind, and the answer the API gives. */
type Row = { errorClass: string; code: string; kind: string; status: number; answeredCode: string };

function documentedRows(): Row[] {
  const doc = readFileSync(join(__dirname, '../../../docs/domain.md'), 'utf8');
  const table = doc.slice(doc.indexOf('| rule (error class) |'));
  return table
    .split('\n')
    .filter((line) => /^\| [A-Z]\w+ \| [A-Z_]+ \|/.test(line))
    .map((line) => {
      const [errorClass, code, kind, answer] = line
        .split('|')
        .slice(1, 5)
        .map((cell) => cell.trim()) as [string, string, string, string];
      const [, status, answeredCode] = /^(\d{3}) `([\w-]+)`$/.exec(answer) ?? [];
      return { errorClass, code, kind, status: Number(status), answeredCode: answeredCode ?? '' };
    });
}

/** What the API's problem filter answers for a domain error of this class. */
async function answerTo(errorClass: (typeof domainErrors)[number]): Promise<{ status: number; code: string }> {
  // The filter reads only the class, `code`, `kind` and `message`: constructors' arguments do not matter.
  const error = Object.assign(Object.create(errorClass.prototype) as DomainError, {
    code: errorClass.code,
    kind: errorClass.kind,
    message: 'refused',
  });
  const sent: { status?: number; body?: { code: string } } = {};
  const response = {
    sent: false,
    raw: { headersSent: false },
    status(code: number) {
      sent.status = code;
      return this;
    },
    headers() {
      return this;
    },
    send(body: string) {
      sent.body = JSON.parse(body) as { code: string };
      return this;
    },
  } as unknown as Response;
  const request = { originalUrl: '/patients/p-1', headers: {} } as unknown as Request;
  const host = {
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }),
  } as unknown as ArgumentsHost;
  await new ProblemDetailsFilter().catch(error, host);
  return { status: sent.status ?? 0, code: sent.body?.code ?? '' };
}

describe('documented error codes (docs/domain.md, "Rules") match what the API answers', () => {
  const rows = documentedRows();

  it('documents every domain error exactly once, under its class name and kind', () => {
    expect(rows.map((r) => r.code).sort()).toEqual(domainErrors.map((e) => e.code).sort());
    for (const row of rows) {
      const errorClass = domainErrors.find((e) => e.code === row.code)!;
      expect({ code: row.code, errorClass: errorClass.name, kind: errorClass.kind }).toEqual({
        code: row.code,
        errorClass: row.errorClass,
        kind: row.kind,
      });
    }
  });

  it.each(documentedRows().map((row) => [row.code, row] as const))('%s', async (_code, row) => {
    const errorClass = domainErrors.find((e) => e.code === row.code)!;
    expect(await answerTo(errorClass)).toEqual({ status: row.status, code: row.answeredCode });
  });
});
