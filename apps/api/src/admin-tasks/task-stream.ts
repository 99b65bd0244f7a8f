import type { FastifyReply as Response } from 'fastify';
import { startStream } from '../http/streaming';
import { TaskArgumentError, TaskRefused, type Progress } from '@caretrail/admin-tasks';
import { Problem } from '../http/problems/problem';

/** Checks a task's options before anything is answered: a mistake is a 400 problem naming the option. */
export function checkedOptions<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof TaskArgumentError)
      throw new Problem(400, 'INVALID_TASK_OPTIONS', 'Invalid task options', error.message);
    throw error;
  }
}

/**
 * Answers with the task's progress as it runs, as NDJSON: `{"progress": "..."}`
 * lines, then `{"result": ...}`, or `{"problem": {...}}` when the task failed
 * after the answer began (its status line is already sent). The command
 * line shows the progress lines as it would show its own.
 */
export async function streamTask<R>(response: Response, run: (progress: Progress) => Promise<R>): Promise<void> {
  const stream = startStream(response, 200, { 'Content-Type': 'application/x-ndjson', 'Cache-Control': 'no-store' });
  const send = (message: unknown): void => {
    if (!stream.writableEnded) stream.write(`${JSON.stringify(message)}\n`);
  };
  try {
    const result = await run((line, done) => send(done ? { progress: line, done: true } : { progress: line }));
    send({ result });
  } catch (error) {
    send({ problem: problemOf(error) });
  } finally {
    stream.end();
  }
}

function problemOf(error: unknown): { status: number; code: string; title: string; detail: string } {
  if (error instanceof TaskArgumentError)
    return { status: 400, code: 'INVALID_TASK_OPTIONS', title: 'Invalid task options', detail: error.message };
  if (error instanceof TaskRefused) return { status: 409, code: error.code, title: 'Refused', detail: error.message };
  if (error instanceof Problem)
    return { status: error.status, code: error.code, title: error.title, detail: error.detail ?? error.title };
  return {
    status: 500,
    code: 'TASK_FAILED',
    title: 'The task failed',
    detail: error instanceof Error ? error.message : String(error),
  };
}
