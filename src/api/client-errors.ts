/**
 * Node answers malformed HTTP itself, before Express sees a request: 400 for
 * an unparsable request, 431 for oversized headers, 408 when the request is
 * not complete in time, each with an empty text body. This handler gives those
 * answers the API's JSON error shape and always closes the connection (its
 * parser state is unknown).
 */
import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';

interface Answer {
  status: number;
  code: string;
  message: string;
  retryable: boolean;
}

const ANSWERS: Record<string, Answer> = {
  HPE_HEADER_OVERFLOW: { status: 431, code: 'HEADERS_TOO_LARGE', message: 'the request headers are larger than the server accepts', retryable: false },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, code: 'REQUEST_TIMEOUT', message: 'the request was not received in time', retryable: true },
};
const MALFORMED: Answer = { status: 400, code: 'BAD_REQUEST', message: 'the request is not valid HTTP', retryable: false };

export function clientErrorResponse(errorCode: string | undefined): string {
  const answer = (errorCode !== undefined ? ANSWERS[errorCode] : undefined) ?? MALFORMED;
  const body = JSON.stringify({ error: { code: answer.code, message: answer.message, retryable: answer.retryable } });
  return [
    `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status]}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

export function answerClientErrorsInJson(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // The peer is gone or the socket is half written: nothing can be answered.
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    socket.end(clientErrorResponse(error.code));
  });
}
